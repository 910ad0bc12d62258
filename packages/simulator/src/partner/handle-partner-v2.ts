import type { HandlerContext } from '../context.js';
import type { SimulatedOrder } from '../order-store.js';
import { requestScope } from '../request-scope.js';
import { partnerV2Fields } from './map-partner.js';
import type { PartnerOrderInfo } from './sub-merchants.js';

type Fields = Record<string, string | undefined>;

/** How a v2 partner call proceeds (see {@link preparePartnerV2}). */
export type PartnerV2Call =
  | { readonly kind: 'refused'; readonly message: string }
  | {
      readonly kind: 'proceed';
      /** The request as the direct-mode endpoint reads it (payer openid resolved). */
      readonly req: Record<string, string>;
      /** The sub-merchant an order this call creates is for. */
      readonly order: PartnerOrderInfo;
      /** Adds the partner fields to the endpoint's answer. */
      decorate(fields: Fields): Fields;
    };

/**
 * Checks a v2 call that names `sub_mch_id` (partner mode, docs/protocol/partner.md): the
 * sub-merchant must be bound to the provider (else `return_code=FAIL` `受理关系不存在`, as live
 * WeChat Pay answers) and `sub_appid` must be the sub-merchant's. The endpoint then runs among
 * the sub-merchant's order and refund numbers (the request keeps its `sub_mch_id`), so another
 * sub-merchant's order of the same number is a different order; its answer gains `sub_mch_id`,
 * `sub_appid` and, for payers named under the sub-merchant's appid, `sub_openid`.
 */
export function preparePartnerV2(
  ctx: HandlerContext,
  path: string,
  req: Record<string, string>,
): PartnerV2Call {
  const subMchId = req.sub_mch_id ?? '';
  const sub = ctx.subMerchants.get(subMchId);
  if (!sub) return { kind: 'refused', message: '受理关系不存在' };
  const subAppId = req.sub_appid || undefined;
  if (subAppId !== undefined && subAppId !== sub.subAppId) {
    return { kind: 'refused', message: 'sub_mch_id与sub_appid不匹配' };
  }
  if (req.sub_openid && !subAppId) return { kind: 'refused', message: '缺少参数sub_appid' };
  const payerIsSub = !req.openid && Boolean(req.sub_openid);
  const direct = payerIsSub ? { ...req, openid: req.sub_openid ?? '' } : req;
  return {
    kind: 'proceed',
    req: direct,
    order: { subMchId, ...(subAppId ? { subAppId } : {}), payerIsSub },
    decorate(fields) {
      const order = namedOrder(ctx, path, req);
      const paid = fields.transaction_id !== undefined && fields.openid !== undefined;
      return {
        ...fields,
        ...(order ? partnerV2Fields(order, paid) : { sub_mch_id: subMchId, sub_appid: subAppId }),
      };
    },
  };
}

/**
 * The sub-merchant's order a call names (by transaction_id, out_trade_no or, for refund
 * queries, refund), after the endpoint ran.
 */
function namedOrder(
  ctx: HandlerContext,
  path: string,
  req: Record<string, string>,
): SimulatedOrder | undefined {
  const scope = requestScope(ctx, req.sub_mch_id);
  if (req.transaction_id) return ctx.store.byTransactionId(scope, req.transaction_id);
  if (req.out_trade_no) return ctx.store.get(scope, req.out_trade_no);
  if (path === '/pay/refundquery') {
    const r = req.out_refund_no
      ? ctx.store.refund(scope, req.out_refund_no)
      : req.refund_id
        ? ctx.store.refundById(scope, req.refund_id)
        : undefined;
    return r && ctx.store.orderOf(r);
  }
  return undefined;
}

/**
 * The sub-merchant fields every signed answer to a bound sub-merchant's call carries, business
 * failures included (they come with `return_code=SUCCESS`).
 */
export function partnerEcho(
  ctx: HandlerContext,
  req: Readonly<Record<string, string | undefined>>,
): Fields {
  const sub = req.sub_mch_id ? ctx.subMerchants.get(req.sub_mch_id) : undefined;
  return sub ? { sub_mch_id: sub.subMchId, sub_appid: req.sub_appid || undefined } : {};
}
