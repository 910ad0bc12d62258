import type { SubMerchant } from '@wxpay/core';

type Raw = Readonly<Record<string, string>>;

/** The partner fields of a v2 answer or notification: who it is for, and the sub payer. */
export function partnerFieldsOf(raw: Raw): {
  subMchId?: string;
  subAppId?: string;
  subOpenid?: string;
} {
  return {
    ...(raw.sub_mch_id ? { subMchId: raw.sub_mch_id } : {}),
    ...(raw.sub_appid ? { subAppId: raw.sub_appid } : {}),
    ...(raw.sub_openid ? { subOpenid: raw.sub_openid } : {}),
  };
}

/** The fields every v2 call of a sub-merchant client adds (docs/protocol/partner.md). */
export function partnerRequestFields(sub: SubMerchant): Record<string, string | undefined> {
  return { sub_mch_id: sub.subMchId, sub_appid: sub.subAppId };
}
