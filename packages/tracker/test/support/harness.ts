import type { Order, PaymentNotification, Refund } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { afterAll, beforeAll } from 'vitest';
import type { OrderStatus, Tracker, TrackerOptions, TrackerSchedule } from '../../src/index.js';
import { createTracker } from '../../src/index.js';
import { type NotifyEndpoint, startNotifyEndpoint, waitUntil } from './notify-endpoint.js';

/** One callback call as a test saw it. */
export interface CallRecord {
  readonly callback: 'onPaid' | 'onClosed' | 'onFailed' | 'onRefunded';
  readonly key: string;
  readonly attempt: number;
  readonly outTradeNo: string;
  readonly state: string;
}

/** A fast schedule for tests (the defaults are tens of seconds). */
export const FAST_SCHEDULE: Partial<TrackerSchedule> = {
  firstQueryMs: 200,
  earlyIntervalMs: 300,
  earlyPeriodMs: 1_000,
  intervalMs: 500,
  userPayingIntervalMs: 200,
  refundIntervalMs: 300,
  retryBaseMs: 100,
  retryMaxMs: 1_000,
};

/** A simulator, a v2 client and a notify endpoint feeding whichever tracker is current. */
export interface Harness {
  readonly sim: Simulator;
  readonly client: V2Client;
  readonly endpoint: NotifyEndpoint;
  /** Every callback call of trackers made by {@link Harness.tracker}. */
  readonly calls: CallRecord[];
  /** Makes a tracker wired to the harness's callbacks; it receives the notifications. */
  tracker(overrides?: Partial<TrackerOptions>): Tracker;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const sim = await startSimulator();
  let current: Tracker | undefined;
  let client: V2Client | undefined;
  const endpoint = await startNotifyEndpoint(
    (request) => (client as V2Client).parseNotification(request),
    async (n: PaymentNotification) => current?.notify(n),
  );
  client = createV2Client({
    appId: sim.merchant.appId,
    mchId: sim.merchant.mchId,
    apiKey: sim.merchant.apiKey,
    baseUrl: sim.url,
    notifyUrl: endpoint.url,
  });
  const calls: CallRecord[] = [];
  const record =
    (callback: CallRecord['callback']) =>
    (value: Order | Refund, ctx: { key: string; attempt: number }) => {
      calls.push({
        callback,
        key: ctx.key,
        attempt: ctx.attempt,
        outTradeNo: value.outTradeNo ?? '',
        state: 'state' in value ? value.state : value.status,
      });
    };
  const trackers: Tracker[] = [];
  return {
    sim,
    client,
    endpoint,
    calls,
    tracker(overrides = {}) {
      const t = createTracker({
        client: client as V2Client,
        schedule: FAST_SCHEDULE,
        onPaid: record('onPaid'),
        onClosed: record('onClosed'),
        onFailed: record('onFailed'),
        onRefunded: record('onRefunded'),
        ...overrides,
      });
      current = t;
      trackers.push(t);
      return t;
    },
    async stop() {
      for (const t of trackers) await t.stop().catch(() => {});
      await client?.close();
      await endpoint.stop();
      await sim.stop();
    },
  };
}

/**
 * A harness for the tests of the enclosing `describe`: started before them, stopped after them.
 * The returned object reads through to the running harness.
 */
export function useHarness(): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): Harness => {
    if (!started) throw new Error('the harness is used before beforeAll started it');
    return started;
  };
  return {
    get sim() {
      return current().sim;
    },
    get client() {
      return current().client;
    },
    get endpoint() {
      return current().endpoint;
    },
    get calls() {
      return current().calls;
    },
    tracker: (overrides) => current().tracker(overrides),
    stop: () => current().stop(),
  };
}

let counter = 0;
/** A fresh merchant order number. */
export function orderNo(tag: string): string {
  counter += 1;
  return `${tag}${Date.now().toString(36)}${counter}`.slice(0, 32);
}

/** Native order parameters (v2 needs the payer's IP). */
export function nativeOrder(outTradeNo: string, total = 100) {
  return {
    kind: 'native' as const,
    outTradeNo,
    description: 'tracker test',
    amount: { total },
    clientIp: '127.0.0.1',
  };
}

/** Waits until the tracker has settled (or failed) the order and returns its status. */
export async function settled(
  tracker: Tracker,
  outTradeNo: string,
  timeoutMs = 8_000,
): Promise<OrderStatus> {
  let status: Awaited<ReturnType<Tracker['status']>>;
  await waitUntil(
    async () => {
      status = await tracker.status({ outTradeNo });
      return status?.phase === 'settled' || status?.phase === 'failed';
    },
    timeoutMs,
    `order ${outTradeNo} to settle`,
  );
  return status as OrderStatus;
}
