import type { HandlerContext } from './context.js';
import { newRefundId } from './ids.js';
import { type SimulatedOrder, type SimulatedRefund, scopeOf } from './order-store.js';

/**
 * Why a refund was refused; each protocol maps it to its own code. `OVER_REFUNDABLE` is a
 * request error (INVALID_REQUEST), not NOTENOUGH: that code means the merchant's balance is too
 * low (docs/protocol/live-behaviour.md, refunds).
 */
export class RefundRefusal {
  constructor(
    readonly reason: 'NOT_PAID' | 'MISMATCH' | 'OVER_REFUNDABLE',
    readonly message: string,
  ) {}
}

/** Shared v2/v3 refund rules: idempotent per out_refund_no, never more than was paid. */
export function applyRefund(
  ctx: HandlerContext,
  order: SimulatedOrder,
  r: {
    outRefundNo: string;
    refund: number;
    total: number;
    currency: string;
    reason?: string;
    notifyUrl?: string;
    via: 'v2' | 'v3';
  },
): SimulatedRefund | RefundRefusal {
  // Refund numbers are per merchant, or per sub-merchant in partner mode.
  const existing = ctx.store.refund(scopeOf(order), r.outRefundNo);
  if (existing) {
    if (existing.outTradeNo !== order.outTradeNo || existing.refund !== r.refund) {
      return new RefundRefusal('MISMATCH', '退款单号已被使用，请求参数与之前不一致');
    }
    return existing;
  }
  if (order.state !== 'SUCCESS' && order.state !== 'REFUND') {
    return new RefundRefusal('NOT_PAID', '订单未支付，不能发起退款');
  }
  if (r.total !== order.total) {
    return new RefundRefusal('MISMATCH', '订单金额或退款金额与之前请求不一致，请核实后再试');
  }
  const refunded = order.refunds
    .filter((x) => x.status !== 'CLOSED')
    .reduce((s, x) => s + x.refund, 0);
  if (refunded + r.refund > order.total) {
    return new RefundRefusal('OVER_REFUNDABLE', '申请退款金额超过订单可退金额');
  }
  const refund: SimulatedRefund = {
    outRefundNo: r.outRefundNo,
    refundId: newRefundId(),
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId ?? '',
    refund: r.refund,
    total: order.total,
    currency: r.currency,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.notifyUrl ? { notifyUrl: r.notifyUrl } : {}),
    status: 'PROCESSING',
    createdAt: ctx.now(),
    via: r.via,
  };
  ctx.store.move(order, 'REFUND');
  ctx.store.addRefund(order, refund);
  return refund;
}
