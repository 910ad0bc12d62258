import { writeFileSync } from 'node:fs';
import type { Simulator } from '@wxpay/simulator';

/**
 * Writes a `--config` file for the simulator's v2 merchant that names its API key by file
 * (`apiKeyFile`: absolute, or relative to the config file), never inline.
 */
export function writeV2ConfigFile(path: string, sim: Simulator, apiKeyFile: string): void {
  const { mchId, appId } = sim.merchant;
  writeFileSync(path, JSON.stringify({ mchId, appId, baseUrl: sim.url, apiKeyFile }));
}
