import type { Simulator, SimulatorOptions } from '../simulator-types.js';
import { startSimulator } from '../start-simulator.js';

/** A running simulator and one adapter client of its merchant. */
export interface SimulatorWithClient<Config, Client> {
  readonly sim: Simulator;
  readonly client: Client;
  /**
   * The client's config (the simulator's credentials and the defaults) with `overrides` merged
   * over it: for more clients of the same merchant in one test.
   */
  config(overrides?: Partial<Config>): Config;
  /** Closes the client, then the simulator. */
  stop(): Promise<void>;
}

/**
 * Starts a simulator and makes one client of its merchant with `create` (`createV2Client` or
 * `createV3Client`) from `sim.clientConfig(protocol)` with `defaults(sim)` merged over it. The
 * adapter's factory checks the config at run time, as it would any merchant's.
 */
export async function startSimulatorClient<
  Config extends object,
  Client extends { close(): Promise<void> },
>(
  protocol: 'v2' | 'v3',
  create: (config: Config) => Client,
  defaults: (sim: Simulator) => NoInfer<Partial<Config>> = () => ({}),
  options?: SimulatorOptions,
): Promise<SimulatorWithClient<Config, Client>> {
  const sim = await startSimulator(options);
  const base = defaults(sim);
  const config = (overrides: Partial<Config> = {}) =>
    sim.clientConfig(protocol, { ...base, ...overrides }) as unknown as Config;
  const client = create(config());
  return {
    sim,
    client,
    config,
    async stop() {
      await client.close();
      await sim.stop();
    },
  };
}
