import type { OrderItem, TrackedItem } from './items.js';
import { loadOrder, loadRefund } from './items.js';
import type { OrderStatus, RefundStatus } from './types.js';

/** The public view of a stored item. */
export function toStatus(item: OrderItem): OrderStatus;
export function toStatus(item: TrackedItem): OrderStatus | RefundStatus;
export function toStatus(item: TrackedItem): OrderStatus | RefundStatus {
  const common = {
    phase: item.phase,
    delivered: [...item.delivered],
    ...(item.lastError ? { lastError: item.lastError } : {}),
    ...(item.settledAt !== undefined ? { settledAt: new Date(item.settledAt) } : {}),
  };
  if (item.type === 'refund') {
    return {
      type: 'refund',
      outRefundNo: item.outRefundNo,
      outTradeNo: item.outTradeNo,
      status: item.status,
      ...(item.refund ? { refund: loadRefund(item.refund) } : {}),
      ...common,
    };
  }
  return {
    type: 'order',
    outTradeNo: item.outTradeNo,
    kind: item.kind,
    state: item.state,
    createdAt: new Date(item.createdAt),
    expiresAt: new Date(item.expiresAt),
    ...(item.expectedTotal !== undefined ? { expectedTotal: item.expectedTotal } : {}),
    ...(item.order ? { order: loadOrder(item.order) } : {}),
    queries: item.queries,
    ...(item.nextRunAt !== undefined ? { nextRunAt: new Date(item.nextRunAt) } : {}),
    ...common,
  };
}
