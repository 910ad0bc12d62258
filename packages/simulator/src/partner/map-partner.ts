import type { SimulatedOrder } from '../order-store.js';

type Json = Record<string, unknown>;

/**
 * The partner form of a v3 Transaction (query answer, payment notification resource): the
 * provider as `sp_appid`/`sp_mchid`, the sub-merchant as `sub_appid`/`sub_mchid`, and the
 * payer as `sp_openid` or `sub_openid` (docs/protocol/partner.md).
 */
export function partnerTransactionJson(order: SimulatedOrder, direct: Json): Json {
  const partner = order.partner;
  if (!partner) return direct;
  const { appid, mchid, payer, ...rest } = direct;
  const openid = (payer as { openid?: unknown } | undefined)?.openid;
  return {
    sp_appid: appid,
    sp_mchid: mchid,
    ...(partner.subAppId ? { sub_appid: partner.subAppId } : {}),
    sub_mchid: partner.subMchId,
    ...rest,
    ...(payer !== undefined
      ? { payer: partner.payerIsSub ? { sub_openid: openid } : { sp_openid: openid } }
      : {}),
  };
}

/** The partner form of a v3 refund notification resource: `sp_mchid` + `sub_mchid` for `mchid`. */
export function partnerRefundNotificationJson(order: SimulatedOrder, direct: Json): Json {
  const partner = order.partner;
  if (!partner) return direct;
  const { mchid, ...rest } = direct;
  return { sp_mchid: mchid, sub_mchid: partner.subMchId, ...rest };
}

/**
 * The v2 fields a partner order adds to answers and notifications: `sub_mch_id`, `sub_appid`,
 * and the payer as `sub_openid` (+ `sub_is_subscribe`) when named under the sub-merchant's appid.
 */
export function partnerV2Fields(
  order: SimulatedOrder,
  paid: boolean,
): Record<string, string | undefined> {
  const partner = order.partner;
  if (!partner) return {};
  return {
    sub_mch_id: partner.subMchId,
    sub_appid: partner.subAppId,
    ...(paid && partner.payerIsSub
      ? {
          openid: undefined,
          is_subscribe: undefined,
          sub_openid: order.openid,
          sub_is_subscribe: 'N',
        }
      : {}),
  };
}
