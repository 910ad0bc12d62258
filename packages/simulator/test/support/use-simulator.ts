import { afterAll, beforeAll } from 'vitest';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../../src/contract/notification-receiver.js';
import { v2Request, v3Request } from '../../src/contract/raw-client.js';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/start-simulator.js';

/** The simulator of one test file and raw, signed requests to it as its merchant. */
export interface SimulatorSession {
  /** Started in `beforeAll`: read it inside tests and hooks only. */
  readonly sim: Simulator;
  /** The notification receiver, when the session was asked for one. */
  readonly receiver: NotificationReceiver;
  /** A fresh, unique out_trade_no starting with `prefix` (default: the session's). */
  no(prefix?: string): string;
  /** A v2 request signed with the merchant's API key. */
  v2(
    path: string,
    fields: Record<string, string>,
    signType?: 'MD5' | 'HMAC-SHA256',
  ): ReturnType<typeof v2Request>;
  /** A v3 request signed with the merchant's private key. */
  v3(method: 'GET' | 'POST', path: string, body?: unknown): ReturnType<typeof v3Request>;
}

/**
 * Starts a simulator (and, with `receiver`, a notification receiver) before the file's tests
 * and stops them after: the set-up the simulator's own test files share.
 */
export function useSimulator(options: {
  readonly prefix: string;
  readonly simulator?: SimulatorOptions;
  readonly receiver?: boolean;
}): SimulatorSession {
  let sim: Simulator | undefined;
  let receiver: NotificationReceiver | undefined;
  let seq = 0;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (read it inside a test)`);
    return value;
  };
  beforeAll(async () => {
    [sim, receiver] = await Promise.all([
      startSimulator(options.simulator),
      options.receiver ? startNotificationReceiver() : undefined,
    ]);
  });
  afterAll(async () => {
    await Promise.all([sim?.stop(), receiver?.stop()]);
  });
  return {
    get sim() {
      return started(sim, 'the simulator');
    },
    get receiver() {
      return started(receiver, 'the notification receiver');
    },
    no: (prefix = options.prefix) => `${prefix}${Date.now().toString(36)}${seq++}`,
    v2: (path, fields, signType = 'MD5') => {
      const s = started(sim, 'the simulator');
      return v2Request(s.url, path, s.merchant, fields, signType);
    },
    v3: (method, path, body) => {
      const s = started(sim, 'the simulator');
      return v3Request(s.url, method, path, s.merchant, body);
    },
  };
}
