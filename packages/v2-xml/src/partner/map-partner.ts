import type { Payer, SubMerchant, SubPayer } from '@wxpay/core';
import { ValidationError } from '@wxpay/core';

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

/** Refuses a `subOpenid` payer where it cannot be sent (direct mode, or no `subAppId`). */
export function checkV2Payer(
  payer: Payer | SubPayer | undefined,
  sub: SubMerchant | undefined,
): void {
  if (payer === undefined || !('subOpenid' in payer) || sub?.subAppId !== undefined) return;
  throw new ValidationError(
    'invalid createOrder params: payer.subOpenid needs a sub-merchant client with subAppId',
    [
      {
        path: 'payer.subOpenid',
        message: sub
          ? 'forSubMerchant({ subMchId, subAppId }) must name subAppId for sub_openid payers'
          : 'only partner mode has sub_openid; use client.forSubMerchant({ subMchId, subAppId })',
      },
    ],
  );
}

/**
 * The appid client-side pay parameters are signed for: a JSAPI payer named by `subOpenid`
 * pays inside the sub-merchant's app, any other inside the provider's; an App payment runs in
 * the sub-merchant's app when it has one. App `partnerid` is the sub-merchant's id.
 */
export function payingAppId(
  spAppId: string,
  sub: SubMerchant,
  kind: 'bridge' | 'app',
  payer?: Payer | SubPayer,
): string {
  if (kind === 'app') return sub.subAppId ?? spAppId;
  return payer !== undefined && 'subOpenid' in payer ? (sub.subAppId ?? spAppId) : spAppId;
}
