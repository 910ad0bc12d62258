import type { HandlerContext, IncomingCall } from '../context.js';
import { newPendingOrder } from '../new-pending-order.js';
import { orderFingerprint } from '../order-fingerprint.js';
import type { SimulatedOrder, SimulatedTradeType } from '../order-store.js';
import { parseRfc3339 } from '../time-format.js';
import { acceptableNotifyUrl } from '../v2/v2-outcomes.js';
import { ApiFailure, header, type Out, obj, paramError, parseBody, str } from './api-failure.js';

/** Refuses a `mchid` that is missing or not the simulated merchant's. */
export function requireMchid(ctx: HandlerContext, mchid: unknown): void {
  if (typeof mchid !== 'string' || mchid === '') throw paramError('mchid', '缺少mchid');
  if (mchid !== ctx.creds.mchId) throw new ApiFailure(400, 'MCH_NOT_EXISTS', '商户号不存在');
}

const TRADE_TYPE: Record<string, SimulatedTradeType> = {
  jsapi: 'JSAPI',
  app: 'APP',
  native: 'NATIVE',
  h5: 'MWEB',
};

/** `POST /v3/pay/transactions/{jsapi|app|native|h5}`. */
export function createOrder(ctx: HandlerContext, call: IncomingCall, kind: string): Out {
  const body = parseBody(call);
  const appid = str(body.appid);
  if (!appid) throw paramError('/appid', 'appid为必填项');
  requireMchid(ctx, body.mchid);
  if (appid !== ctx.creds.appId)
    throw new ApiFailure(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
  const description = str(body.description);
  if (!description || Buffer.byteLength(description) > 127)
    throw paramError('/description', 'description长度应为1-127');
  const outTradeNo = str(body.out_trade_no);
  if (!outTradeNo || !/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
    throw paramError('/out_trade_no', 'out_trade_no格式错误');
  }
  // Live WeChat Pay wants an https notify_url without a query string (docs/protocol/v3.md).
  const notifyUrl = str(body.notify_url);
  if (!notifyUrl || !acceptableNotifyUrl(notifyUrl))
    throw paramError('/notify_url', 'notify_url应为不带参数的https地址');
  const amount = obj(body.amount);
  const total = amount?.total;
  if (typeof total !== 'number' || !Number.isInteger(total) || total <= 0) {
    throw paramError('/amount/total', 'amount.total应为正整数');
  }
  const currency = amount?.currency ?? 'CNY';
  if (currency !== 'CNY') throw paramError('/amount/currency', '币种不支持');
  const openid = str(obj(body.payer)?.openid);
  if (kind === 'jsapi' && !openid) throw paramError('/payer/openid', 'payer.openid为必填项');
  const scene = obj(body.scene_info);
  if (kind === 'h5') {
    if (!str(scene?.payer_client_ip))
      throw paramError('/scene_info/payer_client_ip', '缺少payer_client_ip');
    const h5Type = str(obj(scene?.h5_info)?.type);
    if (!h5Type || !['iOS', 'Android', 'Wap'].includes(h5Type)) {
      throw paramError('/scene_info/h5_info/type', 'h5_info.type应为iOS、Android或Wap');
    }
  }
  const now = ctx.now();
  let expiresAt = now + 7 * 24 * 3600_000;
  const timeExpire = str(body.time_expire);
  if (body.time_expire !== undefined) {
    const t = timeExpire === undefined ? undefined : parseRfc3339(timeExpire);
    if (t === undefined) throw paramError('/time_expire', 'time_expire格式错误');
    if (t < now + 60_000) throw new ApiFailure(400, 'INVALID_REQUEST', 'time_expire时间过短');
    expiresAt = t;
  }
  const attach = str(body.attach);
  if (attach !== undefined && Buffer.byteLength(attach) > 128)
    throw paramError('/attach', 'attach长度超过128');
  if (notifyUrl.length > 255) throw paramError('/notify_url', 'notify_url长度超过255');
  const tradeType = TRADE_TYPE[kind] ?? 'NATIVE';
  const neutral = { tradeType, description, total, currency, openid, attach };
  const existing = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (existing) {
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND') {
      throw new ApiFailure(403, 'ORDERPAID', '订单已支付');
    }
    if (existing.state === 'CLOSED' || existing.state === 'REVOKED') {
      throw new ApiFailure(400, 'ORDER_CLOSED', '订单已关闭');
    }
    if (existing.fingerprint !== orderFingerprint(neutral)) {
      // Both forms are seen live (docs/protocol/live-behaviour.md, order creation).
      throw ctx.live.pick(ctx.live.duplicateOrder) === 'live'
        ? new ApiFailure(400, 'INVALID_REQUEST', '201 商户订单号重复')
        : new ApiFailure(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    }
    return prepayAnswer(existing);
  }
  const order = newPendingOrder(
    {
      ...neutral,
      mchId: ctx.creds.mchId,
      appId: appid,
      outTradeNo,
      notifyUrl,
      clientIp: str(scene?.payer_client_ip),
      deviceInfo: str(scene?.device_id),
      expiresAt,
      via: 'v3',
      signType: 'MD5',
      notifySerial: header(call, 'wechatpay-serial'),
    },
    now,
  );
  ctx.store.add(order);
  return prepayAnswer(order);
}

function prepayAnswer(order: SimulatedOrder): Out {
  switch (order.tradeType) {
    case 'NATIVE':
      return { status: 200, json: { code_url: order.codeUrl } };
    case 'MWEB':
      return { status: 200, json: { h5_url: order.h5Url } };
    default:
      return { status: 200, json: { prepay_id: order.prepayId } };
  }
}

/**
 * `POST …/out-trade-no/{no}/close`. Live answers 204 for an unknown or already closed order;
 * for a paid order the docs name no answer, so the simulator answers 204 and leaves the order
 * paid — the client must query to learn the outcome (docs/protocol/live-behaviour.md, closing).
 */
export function closeOrder(
  ctx: HandlerContext,
  outTradeNo: string,
  body: Record<string, unknown>,
): Out {
  requireMchid(ctx, body.mchid);
  const order = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (!order) return { status: 204 };
  if (order.state === 'NOTPAY' || order.state === 'USERPAYING') ctx.store.move(order, 'CLOSED');
  return { status: 204 };
}
