import { randomNonce } from '@wxpay/core/adapter';
import type { HandlerContext, IncomingCall, Reply } from '../context.js';
import { orderQueryFields } from '../map-v2.js';
import { partnerEcho, preparePartnerV2 } from '../partner/handle-partner-v2.js';
import type { PartnerOrderInfo } from '../partner/sub-merchants.js';
import { downloadBill } from './download-bill.js';
import { micropay, reverse } from './micropay-endpoints.js';
import { closeOrder, findOrder, unifiedOrder } from './order-endpoints.js';
import { refund, refundQuery } from './refund-endpoints.js';
import { type V2SignType, verifyV2 } from './sign.js';
import { BusinessError, type Fields, fail, ParamError, type V2Request } from './v2-outcomes.js';
import { parseXmlMessage, XmlFormatError } from './xml-codec.js';

// Kept importable from here for the server and older imports.
export { applyRefund, RefundRefusal } from '../apply-refund.js';
export { orderFingerprint } from '../order-fingerprint.js';
export { payOrder } from './micropay-endpoints.js';

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

/** Handles one v2 request: envelope checks, signature, then the endpoint. */
export function handleV2(ctx: HandlerContext, call: IncomingCall): Reply {
  if (call.method !== 'POST') return fail('请使用post方法');
  if (call.body.trim() === '') return fail('post数据为空');
  let req: V2Request;
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
    const fields = route(ctx, call.path, partner?.req ?? req, signType, partner?.order);
    return business(ctx, req, signType, partner ? partner.decorate(fields) : fields);
  } catch (error) {
    if (error instanceof ParamError) return fail(error.message);
    if (error instanceof BusinessError) return business(ctx, req, signType, error);
    throw error;
  }
}

function business(
  ctx: HandlerContext,
  req: V2Request,
  signType: V2SignType,
  outcome: Fields | BusinessError,
): Reply {
  const common: Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: ctx.creds.appId,
    mch_id: ctx.creds.mchId,
    device_info: req.device_info,
    nonce_str: randomNonce(32),
    ...partnerEcho(ctx, req),
  };
  if (outcome instanceof BusinessError) {
    return {
      kind: 'v2',
      fields: {
        ...common,
        result_code: 'FAIL',
        err_code: outcome.code,
        err_code_des: outcome.description,
        ...outcome.extra,
      },
      signType,
    };
  }
  return { kind: 'v2', fields: { ...common, result_code: 'SUCCESS', ...outcome }, signType };
}

function route(
  ctx: HandlerContext,
  path: string,
  req: V2Request,
  signType: V2SignType,
  partner: PartnerOrderInfo | undefined,
): Fields {
  switch (path) {
    case '/pay/unifiedorder':
      return unifiedOrder(ctx, req, signType, partner);
    case '/pay/orderquery':
      return orderQueryFields(findOrder(ctx, req));
    case '/pay/closeorder':
      return closeOrder(ctx, req);
    case '/secapi/pay/refund':
      return refund(ctx, req);
    case '/pay/refundquery':
      return refundQuery(ctx, req);
    case '/pay/micropay':
      return micropay(ctx, req, signType, partner);
    case '/secapi/pay/reverse':
      return reverse(ctx, req);
    default:
      throw new ParamError('接口不存在');
  }
}
