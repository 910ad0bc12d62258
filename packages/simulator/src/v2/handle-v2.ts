import { gzipSync } from 'node:zlib';
import { randomNonce } from '@wxpay/core';
import { type TradeBillType, tradeBill } from '../bills.js';
import type { HandlerContext, IncomingCall, RawReply, Reply } from '../context.js';
import { newCodeUrl, newPrepayId, newRefundId, newTransactionId } from '../ids.js';
import { orderQueryFields, paidOrderFields, refundFields, refundQueryFields } from '../map-v2.js';
import type { SimulatedOrder, SimulatedRefund, SimulatedTradeType } from '../order-store.js';
import { preparePartnerV2 } from '../partner/handle-partner-v2.js';
import { parseCompact } from '../time-format.js';
import { type V2SignType, verifyV2 } from './sign.js';
import { buildXml, parseXmlMessage, XmlFormatError } from './xml-codec.js';

type Fields = Record<string, string | undefined>;

/** The v2 endpoints the simulator serves. */
export const V2_PATHS = new Set([
  '/pay/unifiedorder',
  '/pay/orderquery',
  '/pay/closeorder',
  '/secapi/pay/refund',
  '/pay/refundquery',
  '/pay/micropay',
  '/secapi/pay/reverse',
  '/pay/downloadbill',
]);

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const FEN = /^[1-9]\d{0,9}$/;

/** A communication-layer failure: `return_code=FAIL`, unsigned. */
const fail = (msg: string): Reply => ({
  kind: 'v2',
  fields: { return_code: 'FAIL', return_msg: msg },
  signType: undefined,
});

class BusinessError {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {}
}
class ParamError {
  constructor(readonly message: string) {}
}

/** Handles one v2 request: envelope checks, signature, then the endpoint. */
export function handleV2(ctx: HandlerContext, call: IncomingCall): Reply {
  if (call.method !== 'POST') return fail('请使用post方法');
  if (call.body.trim() === '') return fail('post数据为空');
  let req: Record<string, string>;
  try {
    req = parseXmlMessage(call.body);
  } catch (error) {
    if (error instanceof XmlFormatError) return fail('XML格式错误');
    throw error;
  }
  if (req.nonce_str) call.nonce = req.nonce_str;
  if (!req.mch_id) return fail('缺少参数mch_id');
  if (req.mch_id !== ctx.creds.mchId) return fail('mch_id参数格式错误');
  if (!req.nonce_str) return fail('缺少参数nonce_str');
  if (!req.sign) return fail('缺少参数sign');
  const signType = (req.sign_type || 'MD5') as V2SignType;
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256') return fail('sign_type参数格式错误');
  if (!verifyV2(req, ctx.creds.apiKey, signType)) return fail('签名错误');
  if (req.appid !== ctx.creds.appId) {
    return business(
      ctx,
      req,
      signType,
      new BusinessError('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配'),
    );
  }
  try {
    if (call.path === '/pay/downloadbill') return downloadBill(ctx, req);
    const partner =
      req.sub_mch_id === undefined ? undefined : preparePartnerV2(ctx, call.path, req);
    if (partner?.kind === 'refused') return fail(partner.message);
    if (partner?.kind === 'business') throw new BusinessError(partner.code, partner.description);
    const fields = route(ctx, call.path, partner?.req ?? req, signType);
    return business(ctx, req, signType, partner ? partner.decorate(fields) : fields);
  } catch (error) {
    if (error instanceof ParamError) return fail(error.message);
    if (error instanceof BusinessError) return business(ctx, req, signType, error);
    throw error;
  }
}

function business(
  ctx: HandlerContext,
  req: Record<string, string>,
  signType: V2SignType,
  outcome: Fields | BusinessError,
): Reply {
  const common: Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: ctx.creds.appId,
    mch_id: ctx.creds.mchId,
    device_info: req.device_info,
    nonce_str: randomNonceStr(),
  };
  if (outcome instanceof BusinessError) {
    return {
      kind: 'v2',
      fields: {
        ...common,
        result_code: 'FAIL',
        err_code: outcome.code,
        err_code_des: outcome.description,
      },
      signType,
    };
  }
  return { kind: 'v2', fields: { ...common, result_code: 'SUCCESS', ...outcome }, signType };
}

function randomNonceStr(): string {
  return randomNonce(32);
}

function route(
  ctx: HandlerContext,
  path: string,
  req: Record<string, string>,
  signType: V2SignType,
): Fields {
  switch (path) {
    case '/pay/unifiedorder':
      return unifiedOrder(ctx, req, signType);
    case '/pay/orderquery':
      return orderQueryFields(findOrder(ctx, req));
    case '/pay/closeorder':
      return closeOrder(ctx, req);
    case '/secapi/pay/refund':
      return refund(ctx, req);
    case '/pay/refundquery':
      return refundQuery(ctx, req);
    case '/pay/micropay':
      return micropay(ctx, req, signType);
    case '/secapi/pay/reverse':
      return reverse(ctx, req);
    default:
      throw new ParamError('接口不存在');
  }
}

function required(req: Record<string, string>, ...names: string[]): void {
  for (const name of names) if (!req[name]) throw new ParamError(`缺少参数${name}`);
}

function fingerprint(fields: Record<string, string | number | undefined>): string {
  return JSON.stringify(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''));
}

/** Neutral fingerprint shared with v3 so a re-submit through either protocol is recognised. */
export function orderFingerprint(o: {
  tradeType: string;
  description: string;
  total: number;
  currency: string;
  openid?: string | undefined;
  attach?: string | undefined;
}): string {
  return fingerprint({
    tradeType: o.tradeType,
    description: o.description,
    total: o.total,
    currency: o.currency,
    openid: o.openid,
    attach: o.attach,
  });
}

const TRADE_TYPES = new Set(['JSAPI', 'NATIVE', 'APP', 'MWEB']);

function unifiedOrder(
  ctx: HandlerContext,
  req: Record<string, string>,
  signType: V2SignType,
): Fields {
  required(
    req,
    'body',
    'out_trade_no',
    'total_fee',
    'spbill_create_ip',
    'notify_url',
    'trade_type',
  );
  const outTradeNo = req.out_trade_no ?? '';
  if (!OUT_TRADE_NO.test(outTradeNo)) throw new ParamError('out_trade_no参数格式错误');
  if (!FEN.test(req.total_fee ?? '')) throw new ParamError('total_fee参数格式错误');
  if (!TRADE_TYPES.has(req.trade_type ?? '')) throw new ParamError('trade_type参数格式错误');
  if (!/^https?:\/\/[^?]+$/.test(req.notify_url ?? ''))
    throw new ParamError('notify_url参数格式错误');
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
    if (existing.fingerprint !== orderFingerprint(neutral)) {
      throw new BusinessError('OUT_TRADE_NO_USED', '商户订单号重复');
    }
    return prepayFields(existing);
  }
  const prepayId = newPrepayId(now);
  const order: SimulatedOrder = {
    mchId: ctx.creds.mchId,
    appId: ctx.creds.appId,
    outTradeNo,
    tradeType,
    state: 'NOTPAY',
    description: neutral.description,
    total: neutral.total,
    currency: neutral.currency,
    ...(req.openid ? { openid: req.openid } : {}),
    ...(req.attach ? { attach: req.attach } : {}),
    notifyUrl: req.notify_url ?? '',
    ...(req.spbill_create_ip ? { clientIp: req.spbill_create_ip } : {}),
    ...(req.device_info ? { deviceInfo: req.device_info } : {}),
    prepayId,
    ...(tradeType === 'NATIVE' ? { codeUrl: newCodeUrl() } : {}),
    ...(tradeType === 'MWEB'
      ? {
          h5Url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${randomNonce(10)}`,
        }
      : {}),
    createdAt: now,
    expiresAt,
    coupons: [],
    via: 'v2',
    fingerprint: orderFingerprint(neutral),
    signType,
    refunds: [],
  };
  ctx.store.add(order);
  return prepayFields(order);
}

function rejectUsed(order: SimulatedOrder): void {
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

function findOrder(ctx: HandlerContext, req: Record<string, string>): SimulatedOrder {
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

function closeOrder(ctx: HandlerContext, req: Record<string, string>): Fields {
  required(req, 'out_trade_no');
  const order = findOrder(ctx, { out_trade_no: req.out_trade_no ?? '' });
  rejectUsed(order);
  if (order.state !== 'NOTPAY' && order.state !== 'USERPAYING') {
    throw new BusinessError('INVALID_REQUEST', '订单状态不允许关闭');
  }
  ctx.store.move(order, 'CLOSED');
  return { result_msg: 'OK' };
}

function refund(ctx: HandlerContext, req: Record<string, string>): Fields {
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
    const codes = {
      NOT_PAID: 'ERROR',
      MISMATCH: 'INVALID_REQUEST',
      NOT_ENOUGH: 'NOTENOUGH',
    } as const;
    throw new BusinessError(codes[result.reason], result.message);
  }
  return refundFields(order, result);
}

/** Why a refund was refused (mapped to each protocol's code). */
export class RefundRefusal {
  constructor(
    readonly reason: 'NOT_PAID' | 'MISMATCH' | 'NOT_ENOUGH',
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
  const existing = ctx.store.refund(r.outRefundNo);
  if (existing) {
    if (existing.outTradeNo !== order.outTradeNo || existing.refund !== r.refund) {
      return new RefundRefusal('MISMATCH', '退款单号已被使用，请求参数与之前不一致');
    }
    return existing;
  }
  if (order.state !== 'SUCCESS' && order.state !== 'REFUND') {
    return new RefundRefusal('NOT_PAID', '订单状态错误，订单未支付或已关闭');
  }
  if (r.total !== order.total) {
    return new RefundRefusal('MISMATCH', '订单金额或退款金额与之前请求不一致，请核实后再试');
  }
  const refunded = order.refunds
    .filter((x) => x.status !== 'CLOSED')
    .reduce((s, x) => s + x.refund, 0);
  if (refunded + r.refund > order.total) {
    return new RefundRefusal('NOT_ENOUGH', '退款金额超过订单可退金额');
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

function refundQuery(ctx: HandlerContext, req: Record<string, string>): Fields {
  const offset = Number(req.offset ?? '0');
  let order: SimulatedOrder | undefined;
  let refunds: SimulatedRefund[] = [];
  if (req.refund_id || req.out_refund_no) {
    const r = req.refund_id
      ? ctx.store.refundById(req.refund_id)
      : ctx.store.refund(req.out_refund_no ?? '');
    if (r) {
      order = ctx.store.get(ctx.creds.mchId, r.outTradeNo);
      refunds = [r];
    }
  } else if (req.transaction_id || req.out_trade_no) {
    order = req.transaction_id
      ? ctx.store.byTransactionId(ctx.creds.mchId, req.transaction_id)
      : ctx.store.get(ctx.creds.mchId, req.out_trade_no ?? '');
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

const AUTH_CODE = /^1[0-5]\d{16}$/;

function micropay(ctx: HandlerContext, req: Record<string, string>, signType: V2SignType): Fields {
  required(req, 'body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code');
  const outTradeNo = req.out_trade_no ?? '';
  if (!OUT_TRADE_NO.test(outTradeNo)) throw new ParamError('out_trade_no参数格式错误');
  if (!FEN.test(req.total_fee ?? '')) throw new ParamError('total_fee参数格式错误');
  if (!AUTH_CODE.test(req.auth_code ?? '')) {
    throw new BusinessError('AUTH_CODE_INVALID', '每个二维码仅限使用一次，请刷新再试');
  }
  const existing = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (existing) {
    rejectUsed(existing);
    throw new BusinessError('OUT_TRADE_NO_USED', '商户订单号重复');
  }
  const now = ctx.now();
  const neutral = {
    tradeType: 'MICROPAY' as const,
    description: req.body ?? '',
    total: Number(req.total_fee),
    currency: req.fee_type || 'CNY',
    attach: req.attach,
  };
  const order: SimulatedOrder = {
    mchId: ctx.creds.mchId,
    appId: ctx.creds.appId,
    outTradeNo,
    tradeType: 'MICROPAY',
    state: 'NOTPAY',
    description: neutral.description,
    total: neutral.total,
    currency: neutral.currency,
    ...(req.attach ? { attach: req.attach } : {}),
    ...(req.spbill_create_ip ? { clientIp: req.spbill_create_ip } : {}),
    ...(req.device_info ? { deviceInfo: req.device_info } : {}),
    createdAt: now,
    expiresAt: now + 24 * 3600_000,
    coupons: [],
    via: 'v2',
    fingerprint: orderFingerprint(neutral),
    signType,
    refunds: [],
  };
  ctx.store.add(order);
  const outcome = ctx.takeMicropayOutcome();
  switch (outcome) {
    case 'SUCCESS':
      payOrder(ctx, order, {});
      return paidOrderFields(order);
    case 'USERPAYING':
      ctx.store.move(order, 'USERPAYING');
      throw new BusinessError('USERPAYING', '需要用户输入支付密码');
    case 'NOTENOUGH':
      ctx.store.move(order, 'PAYERROR');
      throw new BusinessError('NOTENOUGH', '余额不足');
    default:
      ctx.store.move(order, 'PAYERROR');
      throw new BusinessError('TRADE_ERROR', '交易错误');
  }
}

/** Marks an order paid: transaction id, payer, time (no notification here). */
export function payOrder(
  ctx: HandlerContext,
  order: SimulatedOrder,
  opts: { openid?: string; bankType?: string },
): void {
  ctx.store.move(order, 'SUCCESS');
  ctx.store.assignTransactionId(order, newTransactionId(ctx.now()));
  order.paidAt = ctx.now();
  order.openid = opts.openid ?? order.openid ?? `o${randomNonce(27)}`;
  order.bankType = opts.bankType ?? 'OTHERS';
}

function reverse(ctx: HandlerContext, req: Record<string, string>): Fields {
  const order = findOrder(ctx, req);
  if (order.tradeType !== 'MICROPAY') {
    throw new BusinessError('INVALID_REQUEST', '撤销仅支持付款码支付订单');
  }
  if (order.state === 'REFUND' || order.state === 'CLOSED') {
    throw new BusinessError('TRADE_ERROR', '订单状态不允许撤销');
  }
  ctx.store.move(order, 'REVOKED');
  return { recall: 'N' };
}

const BILL_TYPES = new Set(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND']);

function downloadBill(ctx: HandlerContext, req: Record<string, string>): Reply {
  const billFail = (msg: string, code: string): RawReply => ({
    kind: 'raw',
    status: 200,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: Buffer.from(buildXml({ return_code: 'FAIL', return_msg: msg, error_code: code })),
  });
  if (!/^\d{8}$/.test(req.bill_date ?? '')) return billFail('invalid bill_date', '20001');
  const type = req.bill_type || 'ALL';
  if (!BILL_TYPES.has(type)) return billFail('invalid bill_type', '20001');
  if (req.tar_type && req.tar_type !== 'GZIP') return billFail('invalid tar_type', '20001');
  const csv =
    type === 'RECHARGE_REFUND'
      ? undefined
      : tradeBill(ctx.store.all(), req.bill_date ?? '', type as TradeBillType);
  if (csv === undefined) return billFail('No Bill Exist', '20002');
  const raw = Buffer.from(csv, 'utf8');
  return req.tar_type === 'GZIP'
    ? {
        kind: 'raw',
        status: 200,
        headers: { 'Content-Type': 'application/x-gzip' },
        body: gzipSync(raw),
      }
    : {
        kind: 'raw',
        status: 200,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: raw,
      };
}
