import type { Order, PaymentNotification, Refund } from '@wxpay/core';
import type { OnNotification } from './notify-clients.js';

/** A stand-in for the merchant's order table, fed by verified notifications. */
export interface OrderBook {
  /** The callback to hand to a notification handler. */
  readonly onNotification: OnNotification;
  /** Every verified notification the callback was called with, redeliveries included. */
  readonly received: readonly PaymentNotification[];
  /** Orders marked paid, by `outTradeNo`; each was applied exactly once. */
  readonly paid: ReadonlyMap<string, Order>;
  /** Refund results, by `outRefundNo` (the latest status reported). */
  readonly refunds: ReadonlyMap<string, Refund>;
  /** How many notifications changed state (a redelivery of a processed `id` does not). */
  readonly applied: number;
}

/**
 * The callback every example uses. WeChat Pay delivers a notification at least once (it retries
 * until acknowledged, and an acknowledgement can be lost), so the update must be idempotent:
 * the key is `notification.id`, stable across redeliveries. In a real application, record the
 * id under a unique constraint in the same database transaction as the order update, and compare
 * the paid amount with the order's before fulfilling it.
 */
export function createOrderBook(): OrderBook {
  const received: PaymentNotification[] = [];
  const processed = new Set<string>();
  const paid = new Map<string, Order>();
  const refunds = new Map<string, Refund>();
  let applied = 0;
  return {
    received,
    paid,
    refunds,
    get applied() {
      return applied;
    },
    onNotification(notification) {
      received.push(notification);
      if (processed.has(notification.id)) return; // a redelivery: acknowledge, change nothing
      processed.add(notification.id);
      applied += 1;
      if (notification.type === 'payment' && notification.order.state === 'SUCCESS') {
        paid.set(notification.order.outTradeNo, notification.order);
      }
      if (notification.type === 'refund') {
        refunds.set(notification.refund.outRefundNo, notification.refund);
      }
    },
  };
}
