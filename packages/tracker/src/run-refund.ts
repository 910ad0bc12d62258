import { type RefundState, WxPayError } from '@wxpay/core';
import {
  describeError,
  loadRefund,
  type RefundItem,
  type StoredRefund,
  storeRefund,
} from './items.js';
import { isLostLock } from './lost-lock-error.js';
import type { RunContext } from './run-context.js';
import { retryDelay } from './schedule.js';
import { settleItem } from './settle-item.js';

const isFinal = (status: RefundState) => status !== 'PROCESSING';

function apply(item: RefundItem, refund: ReturnType<typeof loadRefund>): void {
  // A refund only leaves PROCESSING; a late PROCESSING after a final status is stale.
  if (isFinal(item.status) && !isFinal(refund.status)) return;
  item.status = refund.status;
  item.refund = storeRefund(refund);
}

/** One run of an open tracked refund: query until SUCCESS, CLOSED or ABNORMAL, then `onRefunded`. */
export async function runRefund(
  ctx: RunContext,
  item: RefundItem,
  notified: readonly StoredRefund[],
): Promise<number | undefined> {
  for (const refund of notified) {
    if (refund.outRefundNo === item.outRefundNo) apply(item, loadRefund(refund));
  }
  try {
    if (!isFinal(item.status)) {
      item.queries += 1;
      apply(item, await ctx.client.queryRefund(item.outRefundNo));
      item.failures = 0;
    }
    if (!isFinal(item.status) || !item.refund) {
      item.nextRunAt = ctx.now() + ctx.schedule.refundIntervalMs;
      await ctx.save(item);
      return item.nextRunAt;
    }
    return settleItem(ctx, item, {
      key: `refund:${item.outRefundNo}`,
      callback: ctx.onRefunded,
      value: loadRefund(item.refund),
    });
  } catch (error) {
    // Another worker holds the refund now: nothing more may be written or called here.
    if (isLostLock(error)) throw error;
    item.lastError = describeError(error, ctx.now());
    if (WxPayError.isInstance(error) && error.retryable) {
      item.failures += 1;
      item.nextRunAt = ctx.now() + retryDelay(ctx.schedule, item.failures);
      await ctx.save(item);
      return item.nextRunAt;
    }
    item.phase = 'failed';
    delete item.nextRunAt;
    ctx.log({
      level: 'error',
      message: `tracker: refund ${item.outRefundNo} stopped by a permanent error`,
      errorName: item.lastError.name,
    });
    await ctx.save(item);
    return undefined;
  }
}
