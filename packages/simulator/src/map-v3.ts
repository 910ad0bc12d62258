import type { SimulatedOrder, SimulatedRefund } from './order-store.js';
import { formatRfc3339 } from './time-format.js';
import { tradeStateDescription } from './trade-state-text.js';

const couponSum = (o: SimulatedOrder) => o.coupons.reduce((s, c) => s + c.amount, 0);

/** The v3 Transaction object (query answer, payment notification resource), docs/protocol/v3.md. */
export function transactionJson(order: SimulatedOrder): Record<string, unknown> {
  const paid = order.transactionId !== undefined && order.paidAt !== undefined;
  const base: Record<string, unknown> = {
    appid: order.appId,
    mchid: order.mchId,
    out_trade_no: order.outTradeNo,
    trade_state: order.state,
    trade_state_desc: order.stateDescription ?? tradeStateDescription(order.state),
    ...(order.attach !== undefined ? { attach: order.attach } : {}),
  };
  if (!paid) {
    return {
      ...base,
      amount: { total: order.total, currency: order.currency, payer_currency: order.currency },
    };
  }
  return {
    ...base,
    transaction_id: order.transactionId,
    trade_type: order.tradeType,
    bank_type: order.bankType,
    success_time: formatRfc3339(order.paidAt ?? 0),
    payer: { openid: order.openid },
    amount: {
      total: order.total,
      payer_total: order.total - couponSum(order),
      currency: order.currency,
      payer_currency: order.currency,
    },
    ...(order.deviceInfo ? { scene_info: { device_id: order.deviceInfo } } : {}),
    ...(order.coupons.length > 0
      ? {
          promotion_detail: order.coupons.map((c) => ({
            coupon_id: c.id,
            ...(c.name !== undefined ? { name: c.name } : {}),
            scope: 'GLOBAL',
            type: c.type,
            amount: c.amount,
            stock_id: '8987598',
            wechatpay_contribute: 0,
            merchant_contribute: c.amount,
            other_contribute: 0,
            currency: order.currency,
          })),
        }
      : {}),
  };
}

/** The v3 Refund object, docs/protocol/v3.md. */
export function refundJson(
  order: SimulatedOrder,
  refund: SimulatedRefund,
): Record<string, unknown> {
  const payerTotal = order.total - couponSum(order);
  const payerRefund = Math.floor((refund.refund * payerTotal) / order.total);
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt !== undefined ? { success_time: formatRfc3339(refund.successAt) } : {}),
    create_time: formatRfc3339(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: order.total,
      refund: refund.refund,
      from: [],
      payer_total: payerTotal,
      payer_refund: payerRefund,
      settlement_refund: refund.refund,
      settlement_total: order.total,
      discount_refund: refund.refund - payerRefund,
      currency: refund.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

/** The decrypted resource of a v3 refund notification (uses `refund_status`, adds `mchid`). */
export function refundNotificationJson(
  order: SimulatedOrder,
  refund: SimulatedRefund,
): Record<string, unknown> {
  const payerTotal = order.total - couponSum(order);
  return {
    mchid: order.mchId,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successAt !== undefined ? { success_time: formatRfc3339(refund.successAt) } : {}),
    user_received_account: '支付用户零钱',
    amount: {
      total: order.total,
      refund: refund.refund,
      payer_total: payerTotal,
      payer_refund: Math.floor((refund.refund * payerTotal) / order.total),
    },
  };
}
