import { ValidationError } from './errors.js';
import type { SubMerchant, SubPayer } from './order-details.js';
import type { Payer } from './types.js';

/**
 * Refuses a `subOpenid` payer where it cannot be sent: in direct mode (`sub` undefined), or for
 * a sub-merchant without `subAppId` (docs/protocol/partner.md). The rule is the same in v2
 * and v3.
 */
export function checkPartnerPayer(
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
 * pays inside the sub-merchant's app, any other JSAPI payer inside the provider's; an App
 * payment runs in the sub-merchant's app when it has one (docs/protocol/partner.md).
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
