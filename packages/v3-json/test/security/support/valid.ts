import {
  type Order,
  type PaymentNotification,
  REFUND_STATES,
  type Refund,
  TRADE_STATES,
} from '@wxpay/core';

const intOrAbsent = (v: unknown) => v === undefined || Number.isSafeInteger(v);
const dateOrAbsent = (v: unknown) =>
  v === undefined || (v instanceof Date && !Number.isNaN(v.getTime()));

/** A complete, well-typed {@link Order} (what a caller may act on). */
export function isValidOrder(order: Order): boolean {
  return (
    typeof order.outTradeNo === 'string' &&
    (TRADE_STATES as readonly string[]).includes(order.state) &&
    typeof order.amount === 'object' &&
    intOrAbsent(order.amount.total) &&
    intOrAbsent(order.amount.payerTotal) &&
    dateOrAbsent(order.successTime) &&
    Array.isArray(order.promotions) &&
    order.promotions.every(
      (p) => typeof p.couponId === 'string' && Number.isSafeInteger(p.amount),
    ) &&
    typeof order.raw === 'object' &&
    order.raw !== null
  );
}

/** A complete, well-typed {@link Refund}. */
export function isValidRefund(refund: Refund): boolean {
  return (
    typeof refund.outRefundNo === 'string' &&
    (REFUND_STATES as readonly string[]).includes(refund.status) &&
    intOrAbsent(refund.amount.refund) &&
    intOrAbsent(refund.amount.total) &&
    intOrAbsent(refund.amount.payerRefund) &&
    dateOrAbsent(refund.createTime) &&
    dateOrAbsent(refund.successTime)
  );
}

/** A notification with an id and a valid order, refund, or other-event resource. */
export function isValidNotification(n: PaymentNotification): boolean {
  if (typeof n.id !== 'string' || n.id.length === 0) return false;
  if (n.type === 'payment') return isValidOrder(n.order);
  if (n.type === 'refund') return isValidRefund(n.refund);
  // Any other event type is handed over verified and decrypted, as a JSON object.
  return (
    typeof n.eventType === 'string' &&
    typeof n.resource === 'object' &&
    n.resource !== null &&
    !Array.isArray(n.resource)
  );
}
