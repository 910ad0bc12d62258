import type { HandlerContext, IncomingCall, RawReply, V3Reply } from '../context.js';
import { transactionJson } from '../map-v3.js';
import type { SimulatedOrder } from '../order-store.js';
import { partnerTransactionJson } from './map-partner.js';
import type { SimulatedSubMerchant } from './sub-merchants.js';

/** A v3 answer before the handler signs it. */
export type V3Out = Omit<V3Reply, 'kind'> | RawReply;
type Json = Record<string, unknown>;

const refusal = (status: number, code: string, message: string, field?: string): V3Out => ({
  status,
  json: {
    code,
    message,
    ...(field ? { detail: { field, location: 'body', issue: message } } : {}),
  },
});

// What live WeChat Pay answers for a sub-merchant that is not the provider's (docs/protocol/partner.md).
const NOT_BOUND = refusal(400, 'INVALID_REQUEST', '服务商和子商户没有绑定关系');
const ORDER_NOT_EXIST = refusal(404, 'ORDER_NOT_EXIST', '订单不存在');

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function parse(body: string): Json | undefined {
  try {
    return obj(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/** Checks `sub_mchid` names a bound sub-merchant: the sub-merchant, or the refusal. */
function boundSub(ctx: HandlerContext, subMchId: string | undefined): SimulatedSubMerchant | V3Out {
  if (!subMchId) return refusal(400, 'PARAM_ERROR', '受理机构必须传入sub_mchid', 'sub_mchid');
  return ctx.subMerchants.get(subMchId) ?? NOT_BOUND;
}
const isRefusal = (v: SimulatedSubMerchant | V3Out): v is V3Out => 'status' in v || 'kind' in v;

const belongs = (order: SimulatedOrder | undefined, sub: SimulatedSubMerchant) =>
  order?.partner?.subMchId === sub.subMchId;

/** A partner call being served: the handler context, the call, and the direct-mode endpoints. */
interface PartnerCall {
  readonly ctx: HandlerContext;
  readonly call: IncomingCall;
  readonly direct: (call: IncomingCall) => V3Out;
}

/**
 * Serves the v3 partner (服务商) endpoints by checking the provider/sub-merchant binding, then
 * running the direct-mode endpoint (`direct`) for the provider and answering in partner form.
 * Returns undefined for calls that are not partner calls.
 */
export function routePartnerV3(
  ctx: HandlerContext,
  call: IncomingCall,
  direct: (call: IncomingCall) => V3Out,
): V3Out | undefined {
  const { method, path } = call;
  const partnerCall: PartnerCall = { ctx, call, direct };
  const parts = path.split('/').map(decodeURIComponent);
  const prepay = /^\/v3\/pay\/partner\/transactions\/(jsapi|app|native|h5)$/.exec(path);
  if (prepay && method === 'POST') return createOrder(partnerCall, prepay[1] ?? '');
  if (path.startsWith('/v3/pay/partner/transactions/')) {
    const by = parts[5];
    if ((by === 'out-trade-no' || by === 'id') && parts.length === 7 && method === 'GET') {
      return query(partnerCall, by, parts[6] ?? '');
    }
    if (by === 'out-trade-no' && parts.length === 8 && parts[7] === 'close' && method === 'POST') {
      return close(partnerCall, parts[6] ?? '');
    }
    return undefined;
  }
  if (path === '/v3/refund/domestic/refunds' && method === 'POST') {
    const body = parse(call.body);
    if (body?.sub_mchid === undefined) return undefined;
    return refund(partnerCall, body);
  }
  if (path.startsWith('/v3/refund/domestic/refunds/') && parts.length === 6 && method === 'GET') {
    if (!call.query.has('sub_mchid')) return undefined;
    const sub = boundSub(ctx, call.query.get('sub_mchid') ?? undefined);
    if (isRefusal(sub)) return sub;
    const r = ctx.store.refund(parts[5] ?? '');
    if (r && !belongs(ctx.store.find(r.outTradeNo), sub)) {
      return refusal(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    return direct(rewrite(call, path, new URLSearchParams(), call.body));
  }
  return undefined;
}

function rewrite(
  call: IncomingCall,
  path: string,
  query: URLSearchParams,
  body: string,
): IncomingCall {
  const q = query.toString();
  return { ...call, path, query, url: q ? `${path}?${q}` : path, body };
}

function createOrder({ ctx, call, direct }: PartnerCall, kind: string): V3Out {
  const body = parse(call.body);
  if (!body) return refusal(400, 'PARAM_ERROR', '请求体不是合法的JSON对象');
  const { sp_appid, sp_mchid, sub_appid, sub_mchid, payer, ...rest } = body;
  if (!str(sp_appid)) return refusal(400, 'PARAM_ERROR', 'sp_appid为必填项', '/sp_appid');
  const sub = boundSub(ctx, str(sub_mchid));
  if (isRefusal(sub)) return sub;
  const subAppId = str(sub_appid);
  // A documented v3 code: the appid is not one the (sub-)merchant has bound.
  if (subAppId !== undefined && subAppId !== sub.subAppId) {
    return refusal(400, 'APPID_MCHID_NOT_MATCH', 'sub_appid和sub_mchid不匹配');
  }
  const spOpenid = str(obj(payer)?.sp_openid);
  const subOpenid = str(obj(payer)?.sub_openid);
  if (subOpenid && !subAppId) {
    return refusal(400, 'PARAM_ERROR', '传sub_openid时sub_appid必填', '/sub_appid');
  }
  if (kind === 'jsapi' && !spOpenid && !subOpenid) {
    return refusal(400, 'PARAM_ERROR', 'payer.sp_openid和payer.sub_openid必须填一个', '/payer');
  }
  const outTradeNo = str(rest.out_trade_no) ?? '';
  const existing = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (existing && !belongs(existing, sub)) {
    return refusal(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
  }
  const directBody = {
    appid: sp_appid,
    mchid: sp_mchid,
    ...rest,
    ...(spOpenid || subOpenid ? { payer: { openid: spOpenid ?? subOpenid } } : {}),
  };
  const answer = direct(
    rewrite(call, `/v3/pay/transactions/${kind}`, call.query, JSON.stringify(directBody)),
  );
  const order = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (order && !order.partner && 'status' in answer && answer.status === 200) {
    order.partner = {
      subMchId: sub.subMchId,
      ...(subAppId ? { subAppId } : {}),
      payerIsSub: !spOpenid && subOpenid !== undefined,
    };
  }
  return answer;
}

function query({ ctx, call, direct }: PartnerCall, by: 'out-trade-no' | 'id', ref: string): V3Out {
  const sub = boundSub(ctx, call.query.get('sub_mchid') ?? undefined);
  if (isRefusal(sub)) return sub;
  const spMchid = call.query.get('sp_mchid');
  if (!spMchid) return refusal(400, 'PARAM_ERROR', '缺少sp_mchid', 'sp_mchid');
  const order = by === 'id' ? ctx.store.byTransactionId(spMchid, ref) : ctx.store.get(spMchid, ref);
  if (order && !belongs(order, sub)) return ORDER_NOT_EXIST;
  const answer = direct(
    rewrite(
      call,
      `/v3/pay/transactions/${by}/${encodeURIComponent(ref)}`,
      new URLSearchParams({ mchid: spMchid }),
      call.body,
    ),
  );
  if (!order || !('status' in answer) || answer.status !== 200) return answer;
  return { ...answer, json: partnerTransactionJson(order, transactionJson(order)) };
}

function close({ ctx, call, direct }: PartnerCall, outTradeNo: string): V3Out {
  const body = parse(call.body);
  if (!body) return refusal(400, 'PARAM_ERROR', '请求体不是合法的JSON对象');
  const sub = boundSub(ctx, str(body.sub_mchid));
  if (isRefusal(sub)) return sub;
  const spMchid = str(body.sp_mchid) ?? '';
  // Another sub-merchant's order is unknown to this one: answered as closing an unknown order
  // is (204), and left untouched.
  const order = ctx.store.get(spMchid, outTradeNo);
  if (order && !belongs(order, sub)) return { status: 204 };
  return direct(
    rewrite(
      call,
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`,
      call.query,
      JSON.stringify({ mchid: spMchid }),
    ),
  );
}

function refund({ ctx, call, direct }: PartnerCall, body: Json): V3Out {
  const { sub_mchid, ...rest } = body;
  const sub = boundSub(ctx, str(sub_mchid));
  if (isRefusal(sub)) return sub;
  const transactionId = str(rest.transaction_id);
  const outTradeNo = str(rest.out_trade_no);
  const order = transactionId
    ? ctx.store.byTransactionId(ctx.creds.mchId, transactionId)
    : outTradeNo
      ? ctx.store.get(ctx.creds.mchId, outTradeNo)
      : undefined;
  if (order && !belongs(order, sub)) return refusal(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  return direct(rewrite(call, call.path, call.query, JSON.stringify(rest)));
}
