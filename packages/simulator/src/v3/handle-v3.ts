import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { randomNonce } from '@wxpay/core';
import { fundFlowBill, type TradeBillType, tradeBill } from '../bills.js';
import { encryptAeadAes256Gcm } from '../ciphers.js';
import type { HandlerContext, IncomingCall, RawReply, Reply, V3Reply } from '../context.js';
import { newCodeUrl, newPrepayId } from '../ids.js';
import { refundJson, transactionJson } from '../map-v3.js';
import type { SimulatedOrder, SimulatedTradeType } from '../order-store.js';
import { routePartnerV3 } from '../partner/handle-partner-v3.js';
import { formatRfc3339, parseRfc3339 } from '../time-format.js';
import { applyRefund, orderFingerprint, RefundRefusal } from '../v2/handle-v2.js';
import { parseAuthorization, requestMessage, verifyRsa } from './authorization.js';

/** Replay window for v3 request timestamps, in seconds (PROTOCOL.md §2.2). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

class ApiFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly detail?: Record<string, unknown>,
  ) {}
}

const paramError = (field: string, issue: string) =>
  new ApiFailure(400, 'PARAM_ERROR', `参数错误: ${issue}`, {
    field,
    location: 'body',
    issue,
  });

function header(call: IncomingCall, name: string): string | undefined {
  const v = call.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Handles one v3 request: Authorization, then the endpoint; answers are signed by the server. */
export function handleV3(ctx: HandlerContext, call: IncomingCall): Reply {
  const serialHint = header(call, 'wechatpay-serial');
  try {
    // PROTOCOL.md §2.1: WeChat Pay requires a User-Agent on every v3 call.
    if (!header(call, 'user-agent'))
      throw new ApiFailure(400, 'PARAM_ERROR', 'HTTP头缺少User-Agent');
    authenticate(ctx, call);
    const out = route(ctx, call);
    return 'kind' in out ? out : { kind: 'v3', ...out, ...(serialHint ? { serialHint } : {}) };
  } catch (error) {
    if (error instanceof ApiFailure) {
      return {
        kind: 'v3',
        status: error.status,
        json: {
          code: error.code,
          message: error.message,
          ...(error.detail ? { detail: error.detail } : {}),
        },
        ...(serialHint ? { serialHint } : {}),
      };
    }
    throw error;
  }
}

function authenticate(ctx: HandlerContext, call: IncomingCall): void {
  const auth = parseAuthorization(header(call, 'authorization'));
  if (!auth) throw new ApiFailure(401, 'SIGN_ERROR', 'Authorization不合法');
  call.nonce = auth.nonce;
  if (auth.mchid !== ctx.creds.mchId)
    throw new ApiFailure(401, 'SIGN_ERROR', '商户号不存在或与证书不匹配');
  if (auth.serial.toUpperCase() !== ctx.creds.merchantSerial) {
    throw new ApiFailure(401, 'SIGN_ERROR', '商户证书序列号有误');
  }
  const ts = Number(auth.timestamp);
  const now = Math.floor(ctx.now() / 1000);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(now - ts) > TIMESTAMP_WINDOW_SECONDS) {
    throw new ApiFailure(401, 'SIGN_ERROR', '请求的时间戳已过期或不合法');
  }
  const message = requestMessage(call.method, call.url, auth.timestamp, auth.nonce, call.body);
  if (!verifyRsa(message, auth.signature, ctx.creds.merchantKeys.publicKey)) {
    throw new ApiFailure(401, 'SIGN_ERROR', '签名错误', {
      sign_information: {
        method: call.method,
        url: call.url,
        sign_message_length: Buffer.byteLength(message),
      },
    });
  }
  // Only a correctly signed request consumes its nonce, so a forged one cannot burn a nonce.
  if (!ctx.rememberNonce(auth.nonce)) throw new ApiFailure(401, 'SIGN_ERROR', '随机串重复');
}

type Out = Omit<V3Reply, 'kind'> | RawReply;

function route(ctx: HandlerContext, call: IncomingCall): Out {
  const { method, path } = call;
  const partner = routePartnerV3(ctx, call, (direct) => route(ctx, direct));
  if (partner) return partner;
  const parts = path.split('/').map(decodeURIComponent);
  const prepay = /^\/v3\/pay\/transactions\/(jsapi|app|native|h5)$/.exec(path);
  if (prepay && method === 'POST') return createOrder(ctx, call, prepay[1] ?? '');
  if (path.startsWith('/v3/pay/transactions/id/') && parts.length === 6 && method === 'GET') {
    requireMchid(ctx, call.query.get('mchid'));
    const order = ctx.store.byTransactionId(ctx.creds.mchId, parts[5] ?? '');
    if (!order) throw new ApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在');
    return { status: 200, json: transactionJson(order) };
  }
  if (path.startsWith('/v3/pay/transactions/out-trade-no/')) {
    if (parts.length === 6 && method === 'GET') {
      requireMchid(ctx, call.query.get('mchid'));
      const order = ctx.store.get(ctx.creds.mchId, parts[5] ?? '');
      if (!order) throw new ApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在');
      return { status: 200, json: transactionJson(order) };
    }
    if (parts.length === 7 && parts[6] === 'close' && method === 'POST') {
      return closeOrder(ctx, parts[5] ?? '', parseBody(call));
    }
  }
  if (path === '/v3/refund/domestic/refunds' && method === 'POST')
    return refund(ctx, parseBody(call));
  if (path.startsWith('/v3/refund/domestic/refunds/') && parts.length === 6 && method === 'GET') {
    const r = ctx.store.refund(parts[5] ?? '');
    const order = r && ctx.store.get(ctx.creds.mchId, r.outTradeNo);
    if (!r || !order) throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, json: refundJson(order, r) };
  }
  if (path === '/v3/certificates' && method === 'GET') return certificates(ctx);
  if ((path === '/v3/bill/tradebill' || path === '/v3/bill/fundflowbill') && method === 'GET') {
    return billLink(ctx, call);
  }
  if (path === '/v3/billdownload/file' && method === 'GET') {
    const content = ctx.bill(call.query.get('token') ?? '');
    if (!content) throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '账单文件不存在或已过期');
    return {
      kind: 'raw',
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: content,
    };
  }
  throw new ApiFailure(404, 'NOT_FOUND', '请求的资源不存在');
}

function parseBody(call: IncomingCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new ApiFailure(400, 'PARAM_ERROR', '请求体不是合法的JSON对象');
}

function requireMchid(ctx: HandlerContext, mchid: unknown): void {
  if (typeof mchid !== 'string' || mchid === '') throw paramError('mchid', '缺少mchid');
  if (mchid !== ctx.creds.mchId) throw new ApiFailure(400, 'MCH_NOT_EXISTS', '商户号不存在');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

const TRADE_TYPE: Record<string, SimulatedTradeType> = {
  jsapi: 'JSAPI',
  app: 'APP',
  native: 'NATIVE',
  h5: 'MWEB',
};

function createOrder(ctx: HandlerContext, call: IncomingCall, kind: string): Out {
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
  const notifyUrl = str(body.notify_url);
  if (!notifyUrl || !/^https?:\/\/[^?]+$/.test(notifyUrl))
    throw paramError('/notify_url', 'notify_url格式错误');
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
      throw new ApiFailure(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    }
    return prepayAnswer(existing);
  }
  const prepayId = newPrepayId(now);
  const deviceId = str(scene?.device_id);
  const clientIp = str(scene?.payer_client_ip);
  const serial = header(call, 'wechatpay-serial');
  const order: SimulatedOrder = {
    mchId: ctx.creds.mchId,
    appId: appid,
    outTradeNo,
    tradeType,
    state: 'NOTPAY',
    description,
    total,
    currency,
    ...(openid ? { openid } : {}),
    ...(attach ? { attach } : {}),
    notifyUrl,
    ...(clientIp ? { clientIp } : {}),
    ...(deviceId ? { deviceInfo: deviceId } : {}),
    prepayId,
    ...(kind === 'native' ? { codeUrl: newCodeUrl() } : {}),
    ...(kind === 'h5'
      ? {
          h5Url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${randomNonce(10)}`,
        }
      : {}),
    createdAt: now,
    expiresAt,
    coupons: [],
    via: 'v3',
    fingerprint: orderFingerprint(neutral),
    signType: 'MD5',
    ...(serial ? { notifySerial: serial } : {}),
    refunds: [],
  };
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

function closeOrder(ctx: HandlerContext, outTradeNo: string, body: Record<string, unknown>): Out {
  requireMchid(ctx, body.mchid);
  const order = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (!order) throw new ApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在');
  if (order.state === 'SUCCESS' || order.state === 'REFUND') {
    throw new ApiFailure(403, 'ORDERPAID', '订单已支付');
  }
  if (order.state === 'CLOSED' || order.state === 'REVOKED') return { status: 204 };
  if (order.state !== 'NOTPAY' && order.state !== 'USERPAYING') {
    throw new ApiFailure(400, 'INVALID_REQUEST', '订单状态不允许关闭');
  }
  ctx.store.move(order, 'CLOSED');
  return { status: 204 };
}

function refund(ctx: HandlerContext, body: Record<string, unknown>): Out {
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
  if (transactionId) order = ctx.store.byTransactionId(ctx.creds.mchId, transactionId);
  else if (outTradeNo) order = ctx.store.get(ctx.creds.mchId, outTradeNo);
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
    if (result.reason === 'NOT_ENOUGH') throw new ApiFailure(403, 'NOT_ENOUGH', result.message);
    throw new ApiFailure(400, 'INVALID_REQUEST', result.message);
  }
  return { status: 200, json: refundJson(order, result) };
}

function certificates(ctx: HandlerContext): Out {
  if (ctx.trust === 'public-key') {
    throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '商户已切换为微信支付公钥，平台证书不可用');
  }
  return {
    status: 200,
    json: {
      data: ctx.platformKeys().map((k) => ({
        serial_no: k.serial,
        effective_time: formatRfc3339(k.notBefore),
        expire_time: formatRfc3339(k.notAfter),
        encrypt_certificate: encryptAeadAes256Gcm(
          ctx.creds.apiV3Key,
          k.certificatePem ?? '',
          'certificate',
        ),
      })),
    },
  };
}

function billLink(ctx: HandlerContext, call: IncomingCall): Out {
  const date = call.query.get('bill_date') ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new ApiFailure(400, 'PARAM_ERROR', 'bill_date格式错误');
  const tar = call.query.get('tar_type');
  if (tar !== null && tar !== 'GZIP') throw new ApiFailure(400, 'PARAM_ERROR', 'tar_type不合法');
  let csv: string | undefined;
  if (call.path === '/v3/bill/tradebill') {
    const type = call.query.get('bill_type') ?? 'ALL';
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(type)) {
      throw new ApiFailure(400, 'PARAM_ERROR', 'bill_type不合法');
    }
    csv = tradeBill(ctx.store.all(), date, type as TradeBillType);
  } else {
    const account = call.query.get('account_type') ?? 'BASIC';
    if (!['BASIC', 'OPERATION', 'FEES'].includes(account)) {
      throw new ApiFailure(400, 'PARAM_ERROR', 'account_type不合法');
    }
    csv = account === 'BASIC' ? fundFlowBill(ctx.store.all(), date) : undefined;
  }
  if (csv === undefined) throw new ApiFailure(400, 'NO_STATEMENT_EXIST', '账单不存在');
  // v3 bills are UTF-8 with a BOM; the hash is over the uncompressed CSV (PROTOCOL.md §2.9).
  const raw = Buffer.from(`\ufeff${csv}`, 'utf8');
  const token = ctx.issueBill(tar === 'GZIP' ? gzipSync(raw) : raw);
  return {
    status: 200,
    json: {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(raw).digest('hex'),
      download_url: `${ctx.baseUrl()}/v3/billdownload/file?token=${token}`,
    },
  };
}
