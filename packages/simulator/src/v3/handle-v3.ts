import type { HandlerContext, IncomingCall, Reply } from '../context.js';
import { transactionJson } from '../map-v3.js';
import { routePartnerV3 } from '../partner/handle-partner-v3.js';
import { requestScope } from '../request-scope.js';
import { ApiFailure, header, type Out } from './api-failure.js';
import { parseAuthorization, requestMessage, verifyRsa } from './authorization.js';
import { billFile, billLink, certificates } from './bill-endpoints.js';
import { closeOrder, createOrder, requireMchid } from './order-endpoints.js';
import { queryRefund, refund } from './refund-endpoints.js';

/** Replay window for v3 request timestamps, in seconds (docs/protocol/v3.md, signing). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** Handles one v3 request: Authorization, then the endpoint; answers are signed by the server. */
export function handleV3(ctx: HandlerContext, call: IncomingCall): Reply {
  const serialHint = header(call, 'wechatpay-serial');
  try {
    // Live WeChat Pay refuses a call without Accept or User-Agent with a 400 INVALID_REQUEST
    // that names the header (docs/protocol/live-behaviour.md, transport).
    for (const name of ['Accept', 'User-Agent']) {
      if (!header(call, name)) throw new ApiFailure(400, 'INVALID_REQUEST', `HTTP头缺少${name}`);
    }
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

function route(ctx: HandlerContext, call: IncomingCall): Out {
  const partner = routePartnerV3(ctx, call, (direct) => route(ctx, direct));
  if (partner) return partner;
  const { method, path } = call;
  const parts = path.split('/').map(decodeURIComponent);
  const scope = requestScope(ctx, call.partner?.subMchId);
  const prepay = /^\/v3\/pay\/transactions\/(jsapi|app|native|h5)$/.exec(path);
  if (prepay && method === 'POST') return createOrder(ctx, call, prepay[1] ?? '');
  if (path.startsWith('/v3/pay/transactions/id/') && parts.length === 6 && method === 'GET') {
    requireMchid(ctx, call.query.get('mchid'));
    const order = ctx.store.byTransactionId(scope, parts[5] ?? '');
    if (!order) throw new ApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在');
    return { status: 200, json: transactionJson(order) };
  }
  if (path.startsWith('/v3/pay/transactions/out-trade-no/')) {
    if (parts.length === 6 && method === 'GET') {
      requireMchid(ctx, call.query.get('mchid'));
      const order = ctx.store.get(scope, parts[5] ?? '');
      if (!order) throw new ApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在');
      return { status: 200, json: transactionJson(order) };
    }
    if (parts.length === 7 && parts[6] === 'close' && method === 'POST') {
      return closeOrder(ctx, call, parts[5] ?? '');
    }
  }
  if (path === '/v3/refund/domestic/refunds' && method === 'POST') return refund(ctx, call);
  if (path.startsWith('/v3/refund/domestic/refunds/') && parts.length === 6 && method === 'GET') {
    return queryRefund(ctx, call, parts[5] ?? '');
  }
  if (path === '/v3/certificates' && method === 'GET') return certificates(ctx);
  if ((path === '/v3/bill/tradebill' || path === '/v3/bill/fundflowbill') && method === 'GET') {
    return billLink(ctx, call);
  }
  if (path === '/v3/billdownload/file' && method === 'GET') return billFile(ctx, call);
  throw new ApiFailure(404, 'NOT_FOUND', '请求的资源不存在');
}
