import { applyRefund, RefundRefusal } from '../apply-refund.js';
import type { HandlerContext, IncomingCall } from '../context.js';
import { refundJson } from '../map-v3.js';
import type { SimulatedOrder } from '../order-store.js';
import { requestScope } from '../request-scope.js';
import { ApiFailure, type Out, obj, paramError, parseBody, str } from './api-failure.js';

/**
 * `POST /v3/refund/domestic/refunds`. An unpaid order is RESOURCE_NOT_EXISTS (as the official
 * Go SDK documents); a refund above what is left is INVALID_REQUEST — NOT_ENOUGH means the
 * merchant's balance is short (docs/protocol/live-behaviour.md, refunds).
 */
export function refund(ctx: HandlerContext, call: IncomingCall): Out {
  const body = parseBody(call);
  const scope = requestScope(ctx, call.partner?.subMchId);
  const outRefundNo = str(body.out_refund_no);
  if (!outRefundNo || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) {
    throw paramError('/out_refund_no', 'out_refund_no格式错误');
  }
  const amount = obj(body.amount);
  const refundFen = amount?.refund;
  const total = amount?.total;
  if (typeof refundFen !== 'number' || !Number.isInteger(refundFen) || refundFen <= 0) {
    throw paramError('/amount/refund', 'amount.refund应为正整数');
  }
  if (typeof total !== 'number' || !Number.isInteger(total) || total <= 0) {
    throw paramError('/amount/total', 'amount.total应为正整数');
  }
  if (amount?.currency !== 'CNY') throw paramError('/amount/currency', 'amount.currency应为CNY');
  const transactionId = str(body.transaction_id);
  const outTradeNo = str(body.out_trade_no);
  let order: SimulatedOrder | undefined;
  if (transactionId) order = ctx.store.byTransactionId(scope, transactionId);
  else if (outTradeNo) order = ctx.store.get(scope, outTradeNo);
  else throw paramError('/out_trade_no', 'transaction_id和out_trade_no必须填一个');
  if (!order) throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  const reason = str(body.reason);
  const notifyUrl = str(body.notify_url);
  const result = applyRefund(ctx, order, {
    outRefundNo,
    refund: refundFen,
    total,
    currency: 'CNY',
    ...(reason ? { reason } : {}),
    ...(notifyUrl ? { notifyUrl } : {}),
    via: 'v3',
  });
  if (result instanceof RefundRefusal) {
    if (result.reason === 'NOT_PAID') {
      throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', result.message);
    }
    throw new ApiFailure(400, 'INVALID_REQUEST', result.message);
  }
  return { status: 200, json: refundJson(order, result) };
}

/** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
export function queryRefund(ctx: HandlerContext, call: IncomingCall, outRefundNo: string): Out {
  const r = ctx.store.refund(requestScope(ctx, call.partner?.subMchId), outRefundNo);
  if (!r) throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  return { status: 200, json: refundJson(ctx.store.orderOf(r), r) };
}
