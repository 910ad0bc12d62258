import type { Payer, SubMerchant, SubPayer } from '@wxpay/core';
import { opt } from '../map-order.js';

type Json = Record<string, unknown>;

/** v3 partner order endpoints (docs/protocol/partner.md). */
export const PARTNER_ORDER_PATHS = {
  jsapi: '/v3/pay/partner/transactions/jsapi',
  miniprogram: '/v3/pay/partner/transactions/jsapi',
  app: '/v3/pay/partner/transactions/app',
  native: '/v3/pay/partner/transactions/native',
  h5: '/v3/pay/partner/transactions/h5',
} as const;

/**
 * Turns a direct-mode order body into the partner form: the provider as `sp_appid`/`sp_mchid`,
 * the sub-merchant as `sub_appid`/`sub_mchid`, the payer as `sp_openid` or `sub_openid`.
 */
export function toPartnerOrderBody(
  direct: Json,
  sub: SubMerchant,
  payer: Payer | SubPayer | undefined,
): Json {
  const { appid, mchid, payer: _payer, ...rest } = direct;
  return {
    sp_appid: appid,
    sp_mchid: mchid,
    ...opt('sub_appid', sub.subAppId),
    sub_mchid: sub.subMchId,
    ...rest,
    ...(payer === undefined
      ? {}
      : {
          payer:
            'subOpenid' in payer ? { sub_openid: payer.subOpenid } : { sp_openid: payer.openid },
        }),
  };
}

/** The partner fields of a decoded answer (Transaction or Refund): who it is for, and the sub payer. */
export function partnerAnswerFields(raw: Readonly<Record<string, unknown>>): {
  subMchId?: string;
  subAppId?: string;
  subOpenid?: string;
  spOpenid?: string;
} {
  // Called on decrypted content before its schema decodes it: anything may arrive.
  if (typeof raw !== 'object' || raw === null) return {};
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const payer =
    typeof raw.payer === 'object' && raw.payer !== null
      ? (raw.payer as Record<string, unknown>)
      : undefined;
  return {
    ...opt('subMchId', s(raw.sub_mchid)),
    ...opt('subAppId', s(raw.sub_appid)),
    ...opt('subOpenid', s(payer?.sub_openid)),
    ...opt('spOpenid', s(payer?.sp_openid)),
  };
}
