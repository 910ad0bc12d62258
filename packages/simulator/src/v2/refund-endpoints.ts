import { applyRefund, RefundRefusal } from '../apply-refund.js';
import type { HandlerContext } from '../context.js';
import { refundFields, refundQueryFields } from '../map-v2.js';
import type { SimulatedOrder, SimulatedRefund } from '../order-store.js';
import { requestScope } from '../request-scope.js';
import { findOrder } from './order-endpoints.js';
import {
  BusinessError,
  FEN,
  type Fields,
  OUT_REFUND_NO,
  ParamError,
  required,
  type V2Request,
} from './v2-outcomes.js';

// A refund above what is left is a request error; NOTENOUGH is the merchant's balance.
const CODES = {
  NOT_PAID: 'ERROR',
  MISMATCH: 'INVALID_REQUEST',
  OVER_REFUNDABLE: 'INVALID_REQUEST',
};

/** `/secapi/pay/refund`. */
export function refund(ctx: HandlerContext, req: V2Request): Fields {
  required(req, 'out_refund_no', 'total_fee', 'refund_fee');
  if (!OUT_REFUND_NO.test(req.out_refund_no ?? ''))
    throw new ParamError('out_refund_no参数格式错误');
  if (!FEN.test(req.total_fee ?? '') || !FEN.test(req.refund_fee ?? '')) {
    throw new ParamError('total_fee或refund_fee参数格式错误');
  }
  const order = findOrder(ctx, req);
  const result = applyRefund(ctx, order, {
    outRefundNo: req.out_refund_no ?? '',
    refund: Number(req.refund_fee),
    total: Number(req.total_fee),
    currency: req.refund_fee_type || order.currency,
    ...(req.refund_desc ? { reason: req.refund_desc } : {}),
    ...(req.notify_url ? { notifyUrl: req.notify_url } : {}),
    via: 'v2',
  });
  if (result instanceof RefundRefusal) {
    throw new BusinessError(CODES[result.reason], result.message);
  }
  return refundFields(order, result);
}

/** `/pay/refundquery` (refund_id > out_refund_no > transaction_id > out_trade_no). */
export function refundQuery(ctx: HandlerContext, req: V2Request): Fields {
  const offset = Number(req.offset ?? '0');
  const scope = requestScope(ctx, req.sub_mch_id);
  let order: SimulatedOrder | undefined;
  let refunds: SimulatedRefund[] = [];
  if (req.refund_id || req.out_refund_no) {
    const r = req.refund_id
      ? ctx.store.refundById(scope, req.refund_id)
      : ctx.store.refund(scope, req.out_refund_no ?? '');
    if (r) {
      order = ctx.store.orderOf(r);
      refunds = [r];
    }
  } else if (req.transaction_id || req.out_trade_no) {
    order = req.transaction_id
      ? ctx.store.byTransactionId(scope, req.transaction_id)
      : ctx.store.get(scope, req.out_trade_no ?? '');
    refunds = order?.refunds ?? [];
  } else {
    throw new ParamError('缺少参数refund_id、out_refund_no、transaction_id或out_trade_no');
  }
  if (!order || refunds.length === 0) throw new BusinessError('REFUNDNOTEXIST', '退款订单查询失败');
  if (!Number.isInteger(offset) || offset < 0 || (offset >= refunds.length && offset > 0)) {
    throw new ParamError('offset参数错误');
  }
  return refundQueryFields(order, refunds, offset);
}
