import type { SimulatorMerchant } from '@wxpay/simulator';
import type { OrderStatus, RefundStatus, Tracker, TrackerSchedule } from '../../src/index.js';
import { userPayingCharge } from './describe-tracker-suite.js';
import { type Harness, nativeOrder } from './harness.js';
import { waitUntil } from './notify-endpoint.js';

/** Every outcome the chaos run mixes. */
export const OUTCOMES = [
  'paid-notified',
  'paid-dropped',
  'never-paid',
  'userpaying-paid',
  'userpaying-reversed',
  'payerror',
  'refunded',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a chaos worker process needs. */
export interface ChaosConfig {
  readonly simUrl: string;
  readonly merchant: Pick<SimulatorMerchant, 'appId' | 'mchId' | 'apiKey'>;
  readonly redisPort: number;
  readonly prefix: string;
  readonly lockDurationMs: number;
  readonly schedule: Partial<TrackerSchedule>;
  /** Orders whose first callback call hangs (so a test can kill the worker inside it). */
  readonly hangOn?: readonly string[];
}

/**
 * The schedule of the chaos run: the official one compressed about tenfold, so 2,000 orders
 * settle within a minute while the queries stay within what the machine serves.
 */
export const CHAOS_SCHEDULE: Partial<TrackerSchedule> = {
  firstQueryMs: 2_000,
  earlyIntervalMs: 3_000,
  earlyPeriodMs: 10_000,
  intervalMs: 3_000,
  userPayingIntervalMs: 2_000,
  refundIntervalMs: 3_000,
  retryBaseMs: 500,
  retryMaxMs: 3_000,
};

/** How long unpaid orders and USERPAYING charges live before the tracker gives up. */
export const CHAOS_EXPIRY_MS = 8_000;

export interface PlannedOrder {
  readonly outTradeNo: string;
  readonly outcome: Outcome;
  readonly total: number;
  expiresAt?: number;
}

/** `count` orders, the outcomes in turn. */
export function planOrders(count: number, tag: string): PlannedOrder[] {
  return Array.from({ length: count }, (_, i) => ({
    outTradeNo: `${tag}${String(i).padStart(5, '0')}`,
    outcome: OUTCOMES[i % OUTCOMES.length] as Outcome,
    total: 100 + (i % 50),
  }));
}

/**
 * Creates one planned order (through the tracker, or at WeChat Pay and then `track`) and starts
 * what the payer does. `payer` settles when the payer's delayed action is done (wrapped so the
 * creation does not wait for it).
 */
export async function createAndDrive(
  h: Harness,
  tracker: Tracker,
  o: PlannedOrder,
): Promise<{ readonly payer: Promise<void> }> {
  const later = (ms: number, act: () => void) =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        act();
        resolve();
      }, ms),
    );
  switch (o.outcome) {
    case 'never-paid': {
      await h.client.createOrder(nativeOrder(o.outTradeNo, o.total));
      o.expiresAt = Date.now() + CHAOS_EXPIRY_MS;
      await tracker.track(
        { outTradeNo: o.outTradeNo },
        { expiresAt: new Date(o.expiresAt), kind: 'native', expectedTotal: o.total },
      );
      return { payer: Promise.resolve() };
    }
    case 'userpaying-paid':
    case 'userpaying-reversed': {
      await userPayingCharge(h, o.outTradeNo);
      o.expiresAt = Date.now() + CHAOS_EXPIRY_MS;
      await tracker.track(
        { outTradeNo: o.outTradeNo },
        { expiresAt: new Date(o.expiresAt), kind: 'micropay' },
      );
      return {
        payer:
          o.outcome === 'userpaying-paid'
            ? later(2_500, () => h.sim.pay(o.outTradeNo))
            : Promise.resolve(),
      };
    }
    default: {
      await tracker.createOrder(nativeOrder(o.outTradeNo, o.total));
      if (o.outcome === 'paid-dropped') h.sim.notifications.drops.add(o.outTradeNo);
      if (o.outcome === 'payerror') return { payer: later(200, () => h.sim.fail(o.outTradeNo)) };
      return { payer: later(200, () => h.sim.pay(o.outTradeNo)) };
    }
  }
}

/**
 * Creates every planned order, 25 at a time at about `perSecond` orders a second (a shop's
 * checkout rate rather than a flood, so the machine also has time for the tracker's queries).
 * `onBatch` runs after each batch with the number created so far.
 */
export async function createAll(
  h: Harness,
  tracker: Tracker,
  orders: readonly PlannedOrder[],
  perSecond: number,
  onBatch: (created: number) => void | Promise<void> = () => {},
): Promise<Promise<void>[]> {
  const payers: Promise<void>[] = [];
  const batchMs = (25 / perSecond) * 1_000;
  for (let i = 0; i < orders.length; i += 25) {
    const started = Date.now();
    const batch = orders.slice(i, i + 25);
    const created = await Promise.all(batch.map((o) => createAndDrive(h, tracker, o)));
    payers.push(...created.map((c) => c.payer));
    await onBatch(i + batch.length);
    const rest = started + batchMs - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  return payers;
}

/** The refund number of a `refunded` order. */
export const refundNo = (o: PlannedOrder): string => `R${o.outTradeNo}`;

/**
 * Refunds each `refunded` order once its onPaid is recorded (a merchant refunds what it
 * fulfilled), and lets the simulated WeChat Pay complete the refund.
 */
export async function driveRefunds(
  h: Harness,
  tracker: Tracker,
  orders: readonly PlannedOrder[],
  timeoutMs: number,
): Promise<void> {
  const pending = new Set(orders.filter((o) => o.outcome === 'refunded'));
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.size} refunds never started`);
    for (const o of [...pending]) {
      const s = (await tracker.status({ outTradeNo: o.outTradeNo })) as OrderStatus | undefined;
      if (!s?.delivered.includes(`${o.outTradeNo}:paid`)) continue;
      pending.delete(o);
      await tracker.refund({
        order: { outTradeNo: o.outTradeNo },
        outRefundNo: refundNo(o),
        amount: { refund: o.total, total: o.total },
      });
      h.sim.completeRefund(refundNo(o));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Refunds the `refunded` orders as they are paid (see {@link driveRefunds}), then waits until
 * every order and refund is settled or failed. Returns the number of refunds.
 */
export async function settleAll(
  h: Harness,
  tracker: Tracker,
  orders: readonly PlannedOrder[],
): Promise<number> {
  await driveRefunds(h, tracker, orders, 60_000);
  const refunds = orders.filter((o) => o.outcome === 'refunded').length;
  await waitUntil(
    async () => {
      const s = await tracker.summary();
      return s.open === 0 && s.settled + s.failed === orders.length + refunds;
    },
    60_000,
    'every order and refund to settle',
  );
  return refunds;
}

/** One callback call, as logged by a worker. */
export interface LoggedCall {
  readonly callback: string;
  readonly key: string;
  readonly attempt: number;
  readonly outTradeNo: string;
  readonly state: string;
  readonly pid?: number;
}

const EXPECTED: Record<Outcome, { state: string; keys: (o: PlannedOrder) => string[] }> = {
  'paid-notified': { state: 'SUCCESS', keys: (o) => [`${o.outTradeNo}:paid`] },
  'paid-dropped': { state: 'SUCCESS', keys: (o) => [`${o.outTradeNo}:paid`] },
  'userpaying-paid': { state: 'SUCCESS', keys: (o) => [`${o.outTradeNo}:paid`] },
  'never-paid': { state: 'CLOSED', keys: (o) => [`${o.outTradeNo}:closed`] },
  'userpaying-reversed': { state: 'REVOKED', keys: (o) => [`${o.outTradeNo}:closed`] },
  payerror: { state: 'PAYERROR', keys: (o) => [`${o.outTradeNo}:failed`] },
  refunded: {
    state: 'SUCCESS',
    keys: (o) => [`${o.outTradeNo}:paid`, `refund:${refundNo(o)}`],
  },
};

/** What went wrong in a chaos run, as readable lines (empty when everything holds). */
export async function checkOutcomes(
  h: Harness,
  tracker: Tracker,
  orders: readonly PlannedOrder[],
  calls: readonly LoggedCall[],
  effects: ReadonlySet<string>,
  lateBoundMs: number,
): Promise<{ problems: string[]; repeatedCalls: number; latestCloseMs: number }> {
  const problems: string[] = [];
  const byOrder = new Map<string, LoggedCall[]>();
  for (const c of calls) byOrder.set(c.outTradeNo, [...(byOrder.get(c.outTradeNo) ?? []), c]);
  let repeatedCalls = 0;
  let latestCloseMs = 0;
  for (const o of orders) {
    const expected = EXPECTED[o.outcome];
    const s = (await tracker.status({ outTradeNo: o.outTradeNo })) as OrderStatus | undefined;
    const where = `${o.outTradeNo} (${o.outcome})`;
    if (s?.phase !== 'settled') problems.push(`${where}: phase ${s?.phase}`);
    if (s?.state !== expected.state) problems.push(`${where}: tracker state ${s?.state}`);
    const simState = h.sim.getOrder(o.outTradeNo)?.state;
    const paidAtSim = h.sim.getOrder(o.outTradeNo)?.paidAt !== undefined;
    if (paidAtSim && simState === 'CLOSED') problems.push(`${where}: paid order closed`);
    const keys = expected.keys(o);
    const mine = byOrder.get(o.outTradeNo) ?? [];
    for (const c of mine) if (!keys.includes(c.key)) problems.push(`${where}: call ${c.key}`);
    for (const key of keys) {
      const n = mine.filter((c) => c.key === key).length;
      if (n === 0) problems.push(`${where}: no call for ${key}`);
      repeatedCalls += Math.max(0, n - 1);
      if (!effects.has(key)) problems.push(`${where}: no effect for ${key}`);
      if (!s?.delivered.includes(key) && !key.startsWith('refund:'))
        problems.push(`${where}: ${key} not recorded as delivered`);
    }
    if (o.outcome === 'refunded') {
      const r = (await tracker.status({ outRefundNo: refundNo(o) })) as RefundStatus | undefined;
      if (r?.phase !== 'settled' || r.status !== 'SUCCESS')
        problems.push(`${where}: refund ${r?.phase} ${r?.status}`);
    }
    if (o.expiresAt !== undefined && expected.state !== 'SUCCESS' && s?.settledAt) {
      const late = s.settledAt.getTime() - o.expiresAt;
      latestCloseMs = Math.max(latestCloseMs, late);
      if (late > lateBoundMs) problems.push(`${where}: settled ${late} ms after expiry`);
    }
  }
  return { problems, repeatedCalls, latestCloseMs };
}
