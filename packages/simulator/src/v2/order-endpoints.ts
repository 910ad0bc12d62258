import type { HandlerContext } from '../context.js';
import { newPendingOrder } from '../new-pending-order.js';
import { orderFingerprint } from '../order-fingerprint.js';
import type { SimulatedOrder, SimulatedTradeType } from '../order-store.js';
import { parseCompact } from '../time-format.js';
import type { V2SignType } from './sign.js';
import {
  acceptableNotifyUrl,
  BusinessError,
  checkOrderRequest,
  type Fields,
  ParamError,
  required,
  type V2Request,
} from './v2-outcomes.js';

const TRADE_TYPES = new Set(['JSAPI', 'NATIVE', 'APP', 'MWEB']);

/**
 * The answer to a re-used `out_trade_no` with other parameters. Live WeChat Pay answers either
 * the documented OUT_TRADE_NO_USED or INVALID_REQUEST "201 商户订单号重复"
 * (docs/protocol/live-behaviour.md, order creation); `ctx.live.duplicateOrder` picks.
 */
export function duplicateOrder(ctx: HandlerContext): BusinessError {
  return ctx.live.pick(ctx.live.duplicateOrder) === 'live'
    ? new BusinessError('INVALID_REQUEST', '201 商户订单号重复')
    : new BusinessError('OUT_TRADE_NO_USED', '商户订单号重复');
}

/** `/pay/unifiedorder`. */
export function unifiedOrder(ctx: HandlerContext, req: V2Request, signType: V2SignType): Fields {
  const outTradeNo = checkOrderRequest(req, 'notify_url', 'trade_type');
  if (!TRADE_TYPES.has(req.trade_type ?? '')) throw new ParamError('trade_type参数格式错误');
  if (!acceptableNotifyUrl(req.notify_url ?? '')) throw new ParamError('notify_url参数格式错误');
  // WeChat Pay counts UTF-8 bytes (a CJK character is 3).
  if (Buffer.byteLength(req.body ?? '') > 127) throw new ParamError('body参数长度有误');
  if (Buffer.byteLength(req.attach ?? '') > 127) throw new ParamError('attach参数长度有误');
  if ((req.notify_url ?? '').length > 256) throw new ParamError('notify_url参数长度有误');
  const tradeType = req.trade_type as SimulatedTradeType;
  if (tradeType === 'JSAPI' && !req.openid) throw new ParamError('JSAPI支付必须传openid');
  if (tradeType === 'NATIVE' && !req.product_id) throw new ParamError('NATIVE支付必须传product_id');
  if (tradeType === 'MWEB' && !req.scene_info) throw new ParamError('MWEB支付必须传scene_info');
  const now = ctx.now();
  let expiresAt = now + 2 * 3600_000;
  if (req.time_expire) {
    const t = parseCompact(req.time_expire);
    if (t === undefined) throw new ParamError('time_expire参数格式错误');
    if (t <= now + 60_000)
      throw new BusinessError('INVALID_REQUEST', 'time_expire时间过短，刷卡至少1分钟，其他5分钟');
    expiresAt = t;
  }
  const neutral = {
    tradeType,
    description: req.body ?? '',
    total: Number(req.total_fee),
    currency: req.fee_type || 'CNY',
    openid: req.openid,
    attach: req.attach,
  };
  const existing = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (existing) {
    rejectUsed(existing);
    if (existing.fingerprint !== orderFingerprint(neutral)) throw duplicateOrder(ctx);
    return prepayFields(existing);
  }
  const order = newPendingOrder(
    {
      ...neutral,
      mchId: ctx.creds.mchId,
      appId: ctx.creds.appId,
      outTradeNo,
      notifyUrl: req.notify_url,
      clientIp: req.spbill_create_ip,
      deviceInfo: req.device_info,
      expiresAt,
      via: 'v2',
      signType,
    },
    now,
  );
  ctx.store.add(order);
  return prepayFields(order);
}

/** Refuses to reuse an order that is paid or closed. */
export function rejectUsed(order: SimulatedOrder): void {
  if (order.state === 'SUCCESS' || order.state === 'REFUND') {
    throw new BusinessError('ORDERPAID', '该订单已支付');
  }
  if (order.state === 'CLOSED' || order.state === 'REVOKED') {
    throw new BusinessError('ORDERCLOSED', '该订单已关闭');
  }
}

function prepayFields(order: SimulatedOrder): Fields {
  return {
    trade_type: order.tradeType,
    prepay_id: order.prepayId,
    code_url: order.codeUrl,
    mweb_url: order.h5Url,
  };
}

/** The order a request names (`transaction_id` wins), or ORDERNOTEXIST. */
export function findOrder(ctx: HandlerContext, req: V2Request): SimulatedOrder {
  let order: SimulatedOrder | undefined;
  if (req.transaction_id) {
    if (!/^\d{1,32}$/.test(req.transaction_id)) {
      throw new BusinessError('INVALID_TRANSACTIONID', '无效transaction_id');
    }
    order = ctx.store.byTransactionId(ctx.creds.mchId, req.transaction_id);
  } else if (req.out_trade_no) {
    order = ctx.store.get(ctx.creds.mchId, req.out_trade_no);
  } else {
    throw new ParamError('缺少参数transaction_id或out_trade_no');
  }
  if (!order) throw new BusinessError('ORDERNOTEXIST', '此交易订单号不存在');
  return order;
}

/**
 * `/pay/closeorder`. The close API's error list has no ORDERNOTEXIST and live replies for an
 * unknown order look like success, so an unknown order is answered with success
 * (docs/protocol/live-behaviour.md, closing). A paid order is ORDERPAID (documented for v2).
 * Closing sooner than `live.v2CloseMinAgeMs` after creation is answered SYSTEMERROR, the
 * close API's documented "call again" code, since the doc states the rule but no answer.
 */
export function closeOrder(ctx: HandlerContext, req: V2Request): Fields {
  required(req, 'out_trade_no');
  const order = ctx.store.get(ctx.creds.mchId, req.out_trade_no ?? '');
  if (!order) return { result_msg: 'OK' };
  rejectUsed(order);
  if (order.state !== 'NOTPAY' && order.state !== 'USERPAYING') {
    throw new BusinessError('INVALID_REQUEST', '订单状态不允许关闭');
  }
  if (ctx.now() - order.createdAt < ctx.live.v2CloseMinAgeMs) {
    throw new BusinessError(
      'SYSTEMERROR',
      '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟',
    );
  }
  ctx.store.move(order, 'CLOSED');
  return { result_msg: 'OK' };
}
