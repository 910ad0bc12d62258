import type { NotifyOptions } from './context.js';
import { platformCertificate, rsaKeyPair } from './credentials.js';
import type { HandlerState } from './handler-state.js';
import { randomDigits } from './ids.js';
import type { SimulatedOrder, SimulatedRefund } from './order-store.js';
import type { PayOptions } from './simulator-types.js';
import { payOrder } from './v2/handle-v2.js';

// What a test (or the control surface) does to the simulated world: the payer pays, an order
// expires, a refund finishes, a certificate rotates. Each returns a snapshot, never live state.

/** Applies `change` to the live record and returns a snapshot of the result. */
function snapshotAfter<T>(record: T, change: (record: T) => void): T {
  change(record);
  return structuredClone(record);
}

function orderOf(state: HandlerState, outTradeNo: string): SimulatedOrder {
  const order = state.store.find(outTradeNo);
  if (!order) throw new Error(`simulator: no order ${outTradeNo}`);
  return order;
}

/** The payer pays (with optional coupons) and, unless silent, the notification is sent. */
export const payScenario = (state: HandlerState, outTradeNo: string, options: PayOptions = {}) =>
  snapshotAfter(orderOf(state, outTradeNo), (order) => {
    const coupons = (options.coupons ?? []).map((c, i) => ({
      id: c.id ?? `${i + 1}${randomDigits(9)}`,
      type: c.type,
      amount: c.amount,
      ...(c.name !== undefined ? { name: c.name } : {}),
    }));
    const couponTotal = coupons.reduce((s, c) => s + c.amount, 0);
    if (couponTotal >= order.total) {
      throw new Error('simulator: coupons must leave something to pay');
    }
    payOrder(state, order, {
      ...(options.openid ? { openid: options.openid } : {}),
      ...(options.bankType ? { bankType: options.bankType } : {}),
    });
    order.coupons = coupons;
    if (!options.silent) state.notifyPayment(order);
  });

/** The states a test moves an unpaid order to directly. */
type ForcedState = 'PAYERROR' | 'USERPAYING' | 'CLOSED';

/** Moves an order to PAYERROR, USERPAYING or CLOSED. */
export const moveOrderScenario = (state: HandlerState, outTradeNo: string, to: ForcedState) =>
  snapshotAfter(orderOf(state, outTradeNo), (order) => state.store.move(order, to));

/** A PROCESSING refund finishes with `status` and its notification is sent. */
export function completeRefundScenario(
  state: HandlerState,
  outRefundNo: string,
  status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL',
): SimulatedRefund {
  const refund = state.store.refund(outRefundNo);
  if (!refund) throw new Error(`simulator: no refund ${outRefundNo}`);
  if (refund.status !== 'PROCESSING') {
    throw new Error(`simulator: refund ${outRefundNo} is already ${refund.status}`);
  }
  state.store.settleRefund(refund, status);
  const order = orderOf(state, refund.outTradeNo);
  state.notifyRefund(order, refund);
  return structuredClone(refund);
}

/** Resends the payment notification of a paid order, optionally skewed or mis-signed. */
export function resendPaymentNotification(
  state: HandlerState,
  outTradeNo: string,
  options: NotifyOptions = {},
): void {
  const order = orderOf(state, outTradeNo);
  if (order.paidAt === undefined) throw new Error(`simulator: order ${outTradeNo} is not paid`);
  state.notifyPayment(order, options);
}

/** Starts signing with a new platform certificate; returns its serial. */
export async function rotatePlatformCertificate(state: HandlerState): Promise<string> {
  const next = platformCertificate(await rsaKeyPair(), state.now());
  state.platform.push(next);
  // WeChat lists the previous certificate during the switch-over; older ones drop off.
  while (state.platform.length > 2) state.platform.shift();
  return next.serial;
}
