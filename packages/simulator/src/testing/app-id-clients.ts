import type { SimulatorClientConfigs } from '../client-config.js';
import type { Simulator } from '../simulator-types.js';
import { startSimulator } from '../start-simulator.js';
import { outTradeNumbers } from './out-trade-numbers.js';
import { type DeliveredNotification, paymentNotificationOf } from './payment-notification-of.js';
import { type NativeOrderClient, placePaidOrder } from './place-paid-order.js';

/** What the three clients of an `acceptedAppIds` test are configured with beyond the defaults. */
export interface AppIdOverrides {
  readonly appId?: string;
  readonly notifyUrl?: string;
  readonly acceptedAppIds?: readonly string[];
}

/**
 * A simulator and three clients of its merchant for `acceptedAppIds` tests (one mch_id, several
 * appids): the orders the simulator keeps carry its own appid, as do its notifications.
 */
export interface AppIdClients<C> {
  readonly sim: Simulator;
  /**
   * Configured with the simulator's appid; places the orders. Its notify URL is port 9 where
   * nothing listens, so the simulator records each delivery it attempts.
   */
  readonly creator: C;
  /** Configured with the other appid only: must refuse what carries the simulator's appid. */
  readonly strict: C;
  /** Configured with the other appid and listing the simulator's in `acceptedAppIds`. */
  readonly multi: C;
  /** Places a native order through `creator` under a fresh number and pays it (silently). */
  paidOrder(): Promise<string>;
  /** The simulator's payment notification of a paid order, as it delivered it. */
  paymentNotification(outTradeNo: string): Promise<DeliveredNotification>;
  /** Closes the clients, then the simulator. */
  stop(): Promise<void>;
}

/**
 * Starts a simulator (notification redeliveries 10 ms apart) and makes the
 * {@link AppIdClients} with `create` (`createV2Client` or `createV3Client`); `overrides` go
 * into every client's config.
 */
export async function startAppIdClients<
  P extends 'v2' | 'v3',
  C extends NativeOrderClient & { close(): Promise<void> },
  O extends object = Record<never, never>,
>(
  protocol: P,
  create: (config: SimulatorClientConfigs[P] & AppIdOverrides & O) => C,
  otherAppId: string,
  overrides?: O,
): Promise<AppIdClients<C>> {
  const sim = await startSimulator({ notificationRetryDelaysMs: [10] });
  const make = (own: AppIdOverrides) =>
    create(
      sim.clientConfig(protocol, { ...overrides, ...own }) as SimulatorClientConfigs[P] &
        AppIdOverrides &
        O,
    );
  const creator = make({ notifyUrl: 'http://127.0.0.1:9/n' });
  const strict = make({ appId: otherAppId });
  const multi = make({ appId: otherAppId, acceptedAppIds: [sim.merchant.appId] });
  const nextNo = outTradeNumbers(`AA${protocol.toUpperCase()}`);
  return {
    sim,
    creator,
    strict,
    multi,
    paidOrder: () => placePaidOrder(sim, creator, nextNo()),
    paymentNotification: (outTradeNo) => paymentNotificationOf(sim, outTradeNo),
    async stop() {
      await Promise.all([creator.close(), strict.close(), multi.close()]);
      await sim.stop();
    },
  };
}
