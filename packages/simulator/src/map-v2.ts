import type { SimulatedOrder, SimulatedRefund } from './order-store.js';
import { formatCompact, formatDashed } from './time-format.js';
import { tradeStateDescription } from './trade-state-text.js';

type Fields = Record<string, string | undefined>;

const couponSum = (o: SimulatedOrder) => o.coupons.reduce((s, c) => s + c.amount, 0);
const noCashSum = (o: SimulatedOrder) =>
  o.coupons.filter((c) => c.type === 'NOCASH').reduce((s, c) => s + c.amount, 0);

/** The v2 fields of a paid order (orderquery, notification, micropay), docs/protocol/v2.md. */
export function paidOrderFields(order: SimulatedOrder): Fields {
  const fields: Fields = {
    device_info: order.deviceInfo,
    openid: order.openid,
    is_subscribe: 'N',
    trade_type: order.tradeType,
    bank_type: order.bankType,
    total_fee: String(order.total),
    fee_type: order.currency,
    cash_fee: String(order.total - couponSum(order)),
    cash_fee_type: order.currency,
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    attach: order.attach,
    time_end: order.paidAt === undefined ? undefined : formatCompact(order.paidAt),
  };
  if (noCashSum(order) > 0) fields.settlement_total_fee = String(order.total - noCashSum(order));
  if (order.coupons.length > 0) {
    fields.coupon_fee = String(couponSum(order));
    fields.coupon_count = String(order.coupons.length);
    order.coupons.forEach((c, n) => {
      fields[`coupon_type_${n}`] = c.type === 'NOCASH' ? 'NO_CASH' : 'CASH';
      fields[`coupon_id_${n}`] = c.id;
      fields[`coupon_fee_${n}`] = String(c.amount);
    });
  }
  return fields;
}

/** `/pay/orderquery` business fields. Paid orders (SUCCESS, REFUND) carry the full set. */
export function orderQueryFields(order: SimulatedOrder): Fields {
  const paid = order.transactionId !== undefined && order.paidAt !== undefined;
  return {
    ...(paid && (order.state === 'SUCCESS' || order.state === 'REFUND' || order.state === 'REVOKED')
      ? paidOrderFields(order)
      : {}),
    out_trade_no: order.outTradeNo,
    attach: order.attach,
    trade_state: order.state,
    trade_state_desc: order.stateDescription ?? tradeStateDescription(order.state),
  };
}

/** v2 refund statuses. */
export function v2RefundStatus(refund: SimulatedRefund): string {
  switch (refund.status) {
    case 'CLOSED':
      return 'REFUNDCLOSE';
    case 'ABNORMAL':
      return 'CHANGE';
    default:
      return refund.status;
  }
}

/** `/secapi/pay/refund` business fields. */
export function refundFields(order: SimulatedOrder, refund: SimulatedRefund): Fields {
  const cashRefund = Math.floor((refund.refund * (order.total - couponSum(order))) / order.total);
  return {
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_fee: String(refund.refund),
    total_fee: String(order.total),
    fee_type: order.currency,
    cash_fee: String(order.total - couponSum(order)),
    cash_refund_fee: String(cashRefund),
    ...(cashRefund < refund.refund
      ? { coupon_refund_fee: String(refund.refund - cashRefund), coupon_refund_count: '1' }
      : {}),
  };
}

/** `/pay/refundquery` business fields for a page of refunds of one order. */
export function refundQueryFields(
  order: SimulatedOrder,
  refunds: readonly SimulatedRefund[],
  offset: number,
): Fields {
  const page = refunds.slice(offset, offset + 10);
  const fields: Fields = {
    total_refund_count: String(refunds.length),
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    total_fee: String(order.total),
    fee_type: order.currency,
    cash_fee: String(order.total - couponSum(order)),
    refund_count: String(page.length),
  };
  page.forEach((r, n) => {
    fields[`out_refund_no_${n}`] = r.outRefundNo;
    fields[`refund_id_${n}`] = r.refundId;
    fields[`refund_channel_${n}`] = 'ORIGINAL';
    fields[`refund_fee_${n}`] = String(r.refund);
    fields[`settlement_refund_fee_${n}`] = String(r.refund);
    fields[`refund_status_${n}`] = v2RefundStatus(r);
    fields[`refund_account_${n}`] = 'REFUND_SOURCE_UNSETTLED_FUNDS';
    fields[`refund_recv_accout_${n}`] = '支付用户的零钱';
    if (r.successAt !== undefined) fields[`refund_success_time_${n}`] = formatDashed(r.successAt);
  });
  return fields;
}

/** The plaintext of a v2 refund notification's `req_info` (root `<root>`), docs/protocol/v2.md. */
export function refundNotificationFields(order: SimulatedOrder, refund: SimulatedRefund): Fields {
  return {
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    total_fee: String(order.total),
    refund_fee: String(refund.refund),
    settlement_refund_fee: String(refund.refund),
    refund_status: v2RefundStatus(refund),
    success_time: refund.successAt === undefined ? undefined : formatDashed(refund.successAt),
    refund_recv_accout: '支付用户的零钱',
    refund_account: 'REFUND_SOURCE_UNSETTLED_FUNDS',
    refund_request_source: 'API',
  };
}
