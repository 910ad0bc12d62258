import {
  ConfigError,
  type CreateOrderParams,
  nextAction,
  OrderNotFoundError,
  type PaymentClient,
  type RefundParams,
  systemClock,
  ValidationError,
  WxPayError,
} from '@wxpay/core';
import type { ItemRunner, Observation, TrackerBackend } from './backend.js';
import {
  describeError,
  loadOrder,
  type OrderItem,
  orderId,
  type RefundItem,
  refundId,
  storeOrder,
  storeRefund,
  type TrackedItem,
} from './items.js';
import { isLostLock } from './lost-lock-error.js';
import { createMemoryBackend } from './memory-backend.js';
import { observeOrder } from './observe.js';
import { reconcile } from './reconcile/reconcile.js';
import { createRedisBackend } from './redis/redis-backend.js';
import type { RunContext } from './run-context.js';
import { runOrder } from './run-order.js';
import { runRefund } from './run-refund.js';
import { nextPollAt, resolveSchedule } from './schedule.js';
import { readStatus, toStatus } from './to-status.js';
import type { Tracker, TrackerOptions, TrackOptions } from './types.js';
import { requireAmount, requireDate, requireKind, requireOutTradeNo } from './validate.js';

function backendOf(options: TrackerOptions, now: () => number): TrackerBackend {
  const b = options.backend;
  if (b === undefined || b === 'memory') return createMemoryBackend({ now });
  if ('redis' in b) return createRedisBackend(b.redis, { now });
  return b;
}

// A refusal means the call definitely did nothing at WeChat Pay; anything else (network,
// timeout, 5xx) leaves the outcome unknown, so the item stays tracked.
const definitelyRefused = (error: unknown) =>
  !(WxPayError.isInstance(error) && error.retryable) && WxPayError.isInstance(error);

/**
 * Creates a tracker: WeChat Pay's query-and-close guide as a worker. It queries unpaid orders
 * on a schedule, closes them at expiry (a paid order is never closed), reverses payment-code
 * charges stuck in USERPAYING, follows refunds, and calls `onPaid`/`onClosed`/`onFailed`/
 * `onRefunded` at least once per event, each with a stable `ctx.key`.
 *
 * With `backend: { redis }` the orders and their schedules live in Redis (BullMQ), survive
 * crashes, and any number of processes running `start()` share the work.
 */
export function createTracker(options: TrackerOptions): Tracker {
  const client: PaymentClient = options.client;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const schedule = resolveSchedule(options.schedule);
  const backend = backendOf(options, now);
  const log = options.logger ?? (() => {});
  let started = false;

  const context = (save: (item: TrackedItem) => Promise<void>): RunContext => ({
    client,
    schedule,
    onPaid: options.onPaid,
    onClosed: options.onClosed,
    onRefunded: options.onRefunded,
    onFailed: options.onFailed,
    now,
    log,
    save,
  });

  const newOrder = (
    outTradeNo: string,
    o: { kind: OrderItem['kind']; expiresAt: number; expectedTotal?: number | undefined },
  ): OrderItem => ({
    type: 'order',
    id: orderId(outTradeNo),
    outTradeNo,
    kind: o.kind,
    createdAt: now(),
    expiresAt: o.expiresAt,
    ...(o.expectedTotal !== undefined ? { expectedTotal: o.expectedTotal } : {}),
    state: 'NOTPAY',
    phase: 'open',
    queries: 0,
    failures: 0,
    delivered: [],
    attempts: {},
  });

  const firstRunAt = (item: OrderItem) => {
    const at = now();
    const poll = at < item.expiresAt && nextAction(item.state) === 'poll';
    return poll ? nextPollAt(schedule, item, at) : at;
  };

  const newRefund = (outRefundNo: string, outTradeNo: string): RefundItem => ({
    type: 'refund',
    id: refundId(outRefundNo),
    outRefundNo,
    outTradeNo,
    createdAt: now(),
    status: 'PROCESSING',
    phase: 'open',
    queries: 0,
    failures: 0,
    delivered: [],
    attempts: {},
  });

  return {
    async createOrder(params: CreateOrderParams) {
      const outTradeNo = requireOutTradeNo(params?.outTradeNo);
      const kind = requireKind(params.kind);
      const expiresAt =
        params.expiresAt === undefined
          ? now() + schedule.defaultExpiryMs
          : requireDate(params.expiresAt, 'expiresAt').getTime();
      const item = newOrder(outTradeNo, {
        kind,
        expiresAt,
        expectedTotal: requireAmount(params.amount?.total, 'amount.total'),
      });
      // Recorded before the call: whatever happens to the call, the order is not lost.
      const inserted = await backend.insert(item, now() + schedule.firstQueryMs);
      try {
        return await client.createOrder(params);
      } catch (error) {
        if (inserted && definitelyRefused(error)) await backend.remove(item.id);
        throw error;
      }
    },

    async track(ref, trackOptions: TrackOptions) {
      const outTradeNo = requireOutTradeNo(ref?.outTradeNo);
      const expiresAt = requireDate(trackOptions?.expiresAt, 'expiresAt').getTime();
      const kind = requireKind(trackOptions.kind);
      const expectedTotal = requireAmount(trackOptions.expectedTotal, 'expectedTotal');
      if (
        kind === 'micropay' &&
        typeof (client as { reverseOrder?: unknown }).reverseOrder !== 'function'
      ) {
        throw new ConfigError('payment-code orders need a client that can reverse (a v2 client)');
      }
      const item = newOrder(outTradeNo, { kind, expiresAt, expectedTotal });
      try {
        const order = await client.queryOrder({ outTradeNo });
        item.order = storeOrder(order);
        item.queries = 1;
      } catch (error) {
        // An order WeChat Pay does not know is refused; an unreachable WeChat Pay is not a
        // reason to drop the order: it is tracked and queried again with backoff.
        if (OrderNotFoundError.isInstance(error) || definitelyRefused(error)) throw error;
        item.failures = 1;
        item.lastError = describeError(error, now());
      }
      // A new item starts from what this query saw: it runs when the schedule says (at once
      // when the order is already final), not straight away for a second query.
      const seen = item.order !== undefined && observeOrder(item, loadOrder(item.order));
      const inserted =
        !(await backend.get(item.id)) &&
        (await backend.insert(item, seen ? firstRunAt(item) : now()));
      if (item.order && !(inserted && seen)) {
        await backend.observe(item.id, { type: 'order', order: item.order });
      }
      const stored = inserted ? item : await backend.get(item.id);
      if (stored?.type !== 'order') throw new ValidationError(`${outTradeNo} is not tracked`);
      return toStatus(stored);
    },

    async refund(params: RefundParams) {
      const outRefundNo = requireOutTradeNo(params?.outRefundNo, 'outRefundNo');
      const outTradeNo = 'outTradeNo' in params.order ? params.order.outTradeNo : '';
      const item = newRefund(outRefundNo, outTradeNo);
      const inserted = await backend.insert(item, now() + schedule.refundIntervalMs);
      try {
        const refund = await client.refund(params);
        await backend.observe(item.id, { type: 'refund', refund: storeRefund(refund) });
        return refund;
      } catch (error) {
        if (inserted && definitelyRefused(error)) await backend.remove(item.id);
        throw error;
      }
    },

    async notify(notification) {
      let id: string;
      let observation: Observation;
      if (notification.type === 'payment') {
        id = orderId(notification.order.outTradeNo);
        observation = { type: 'order', order: storeOrder(notification.order) };
      } else if (notification.type === 'refund') {
        const r = notification.refund;
        id = refundId(r.outRefundNo);
        observation = { type: 'refund', refund: storeRefund(r) };
        // A refund made elsewhere for an order we follow is followed from now on.
        if (!(await backend.get(id)) && r.outTradeNo && (await backend.get(orderId(r.outTradeNo))))
          await backend.insert(newRefund(r.outRefundNo, r.outTradeNo), now());
      } else {
        // Other event types (e.g. products beyond payments) concern nothing the tracker follows.
        return { tracked: false };
      }
      const known = await backend.get(id);
      if (!known) return { tracked: false };
      await backend.observe(id, observation, known);
      return { tracked: true };
    },

    async start() {
      if (started) return;
      started = true;
      const run: ItemRunner = async (item, observations, save) => {
        // Settled and failed items need no more work, whatever was observed.
        if (item.phase !== 'open') return undefined;
        const ctx = context(save);
        if (item.type === 'order') {
          return runOrder(
            ctx,
            item,
            observations.flatMap((o) => (o.type === 'order' ? o.order : [])),
          );
        }
        const refunds = observations.flatMap((o) => (o.type === 'refund' ? o.refund : []));
        return runRefund(ctx, item, refunds);
      };
      await backend.start(async (item, observations, save) => {
        try {
          return await run(item, observations, save);
        } catch (error) {
          // A save refused by the lock's fence: this run was cut off and another worker owns
          // the item. The backend leaves the item to that worker.
          if (isLostLock(error)) {
            log({
              level: 'warn',
              message: `tracker: ${item.id}: this run lost its lock to another worker; its save was refused and it stopped`,
              errorName: error.name,
            });
          }
          throw error;
        }
      });
    },

    async stop() {
      started = false;
      await backend.stop();
      await backend.close();
    },

    status: (ref) => readStatus(backend, ref),

    summary: () => backend.summary(),

    reconcile: (reconcileOptions) => reconcile({ client, backend }, reconcileOptions),
  };
}
