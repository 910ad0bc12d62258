import {
  ConfigError,
  nextAction,
  type Order,
  OrderClosedError,
  OrderNotFoundError,
  OrderPaidError,
  type OrderRef,
  transition,
  WxPayError,
} from '@wxpay/core';
import { describeError, loadOrder, type OrderItem, type StoredOrder, storeOrder } from './items.js';
import { isLostLock } from './lost-lock-error.js';
import { observeOrder } from './observe.js';
import type { RunContext } from './run-context.js';
import { nextPollAt, retryDelay } from './schedule.js';
import { settleItem } from './settle-item.js';

/** What a client needs to reverse a payment-code order (the v2 client has it). */
interface Reverser {
  reverseOrder(ref: OrderRef): Promise<{ readonly recall: boolean }>;
}

const canReverse = (client: object): client is Reverser =>
  typeof (client as Partial<Reverser>).reverseOrder === 'function';

/** Sentinel: the order is unknown at WeChat Pay. */
const NOT_FOUND = Symbol('not found');

async function query(ctx: RunContext, item: OrderItem): Promise<Order | typeof NOT_FOUND> {
  item.queries += 1;
  try {
    return await ctx.client.queryOrder({ outTradeNo: item.outTradeNo });
  } catch (error) {
    if (OrderNotFoundError.isInstance(error)) return NOT_FOUND;
    throw error;
  }
}

// An order WeChat Pay does not know, past its expiry and closed by us: nothing can be paid.
function closedUnknown(item: OrderItem): Order {
  return { outTradeNo: item.outTradeNo, state: 'CLOSED', amount: {}, promotions: [], raw: {} };
}

async function close(ctx: RunContext, item: OrderItem): Promise<void> {
  try {
    await ctx.client.closeOrder(item.outTradeNo);
  } catch (error) {
    // Paid in the meantime, already closed, or never created: the query below settles it.
    if (
      !OrderPaidError.isInstance(error) &&
      !OrderClosedError.isInstance(error) &&
      !OrderNotFoundError.isInstance(error)
    ) {
      throw error;
    }
  }
}

async function reverse(ctx: RunContext, item: OrderItem): Promise<boolean> {
  if (!canReverse(ctx.client)) {
    throw new ConfigError('the client cannot reverse payment-code orders (reverseOrder missing)');
  }
  const result = await ctx.client.reverseOrder({ outTradeNo: item.outTradeNo });
  return !result.recall;
}

function callbackFor(ctx: RunContext, item: OrderItem) {
  switch (item.state) {
    case 'SUCCESS':
      return { key: `${item.outTradeNo}:paid`, callback: ctx.onPaid };
    case 'CLOSED':
    case 'REVOKED':
      return { key: `${item.outTradeNo}:closed`, callback: ctx.onClosed };
    case 'PAYERROR':
      return { key: `${item.outTradeNo}:failed`, callback: ctx.onFailed };
    default:
      // REFUND: paid and refunded before we saw it; the refund is the merchant's own doing.
      return undefined;
  }
}

function settle(ctx: RunContext, item: OrderItem): Promise<number | undefined> {
  const target = callbackFor(ctx, item);
  return settleItem(
    ctx,
    item,
    target && item.order ? { ...target, value: loadOrder(item.order) } : undefined,
  );
}

async function fail(ctx: RunContext, item: OrderItem, error: unknown): Promise<undefined> {
  item.phase = 'failed';
  item.lastError = describeError(error, ctx.now());
  delete item.nextRunAt;
  ctx.log({
    level: 'error',
    message: `tracker: order ${item.outTradeNo} stopped by a permanent error`,
    errorName: item.lastError.name,
    ...(item.lastError.code ? { errorCode: item.lastError.code } : {}),
  });
  await ctx.save(item);
  return undefined;
}

async function schedule(ctx: RunContext, item: OrderItem, at: number): Promise<number> {
  item.nextRunAt = at;
  await ctx.save(item);
  return at;
}

/**
 * One run of an open tracked order: apply the notified orders, query, then act on core's
 * `nextAction` — poll again, close at expiry (querying once more first; a paid order is never
 * closed), reverse a stuck payment-code charge, or deliver the final state's callback.
 */
export async function runOrder(
  ctx: RunContext,
  item: OrderItem,
  notified: readonly StoredOrder[],
): Promise<number | undefined> {
  for (const order of notified) observeOrder(item, loadOrder(order));
  try {
    // Bounded: at most a query, an action and the query confirming it.
    for (let pass = 0; pass < 3; pass += 1) {
      const settledByNotification = pass === 0 && nextAction(item.state) !== 'poll';
      if (!settledByNotification) {
        const seen = await query(ctx, item);
        if (seen === NOT_FOUND) {
          if (ctx.now() < item.expiresAt) return schedule(ctx, item, nextPoll(ctx, item));
          await close(ctx, item);
          item.state = transition(item.state, 'CLOSED');
          item.order = storeOrder(closedUnknown(item));
          return settle(ctx, item);
        }
        observeOrder(item, seen);
        item.failures = 0;
      }
      const abandon = ctx.now() >= item.expiresAt;
      const action = nextAction(item.state, { abandon, micropay: item.kind === 'micropay' });
      if (action === 'poll') return schedule(ctx, item, nextPoll(ctx, item));
      if (action === 'fulfil' || action === 'done') return settle(ctx, item);
      if (action === 'close') await close(ctx, item);
      else if (!(await reverse(ctx, item))) {
        // WeChat Pay asked to call reverse again (recall=Y): come back shortly.
        return schedule(ctx, item, ctx.now() + ctx.schedule.retryBaseMs);
      }
      await ctx.save(item);
    }
    return schedule(ctx, item, ctx.now() + ctx.schedule.retryBaseMs);
  } catch (error) {
    // Another worker holds the order now: nothing more may be written or called here.
    if (isLostLock(error)) throw error;
    if (WxPayError.isInstance(error) && error.retryable) {
      item.failures += 1;
      item.lastError = describeError(error, ctx.now());
      ctx.log({
        level: 'warn',
        message: `tracker: order ${item.outTradeNo}: transient error, backing off`,
        errorName: item.lastError.name,
      });
      return schedule(ctx, item, ctx.now() + retryDelay(ctx.schedule, item.failures));
    }
    return fail(ctx, item, error);
  }
}

function nextPoll(ctx: RunContext, item: OrderItem): number {
  return nextPollAt(ctx.schedule, item, ctx.now());
}
