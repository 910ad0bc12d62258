import type { TrackerBackend } from './backend.js';
import type { OrderItem, TrackedItem } from './items.js';
import { loadOrder, loadRefund, orderId, refundId } from './items.js';
import type { OrderStatus, RefundStatus } from './types.js';
import { requireOutTradeNo } from './validate.js';

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

/** The status of the order or refund `ref` names in `backend`, undefined when not tracked. */
export async function readStatus(
  backend: Pick<TrackerBackend, 'get'>,
  ref: { readonly outTradeNo: string } | { readonly outRefundNo: string },
): Promise<OrderStatus | RefundStatus | undefined> {
  const id =
    'outRefundNo' in ref
      ? refundId(requireOutTradeNo(ref.outRefundNo, 'outRefundNo'))
      : orderId(requireOutTradeNo(ref.outTradeNo));
  const item = await backend.get(id);
  return item && toStatus(item);
}
