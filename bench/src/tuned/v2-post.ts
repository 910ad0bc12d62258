/**
 * Tuned copies of `@wxpay/v2-xml` `request.ts` `signedBody` and `map-response.ts`
 * `checkResponse`, built on the tuned signing and XML functions. `checkResponse` keeps a fast
 * accept path only: any reply it does not accept outright is handed to the adapter's own
 * `checkResponse`, which raises exactly the errors it raises today.
 */
import type { V2ResponseModule } from '../peers.js';
import { signFields, verifyFields } from './v2-sign.js';
import { buildXml } from './v2-xml.js';

/** The context fields `signedBody` reads. */
export interface TunedPostContext {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: string;
  readonly nonce: () => string;
}

/** Same body as the adapter's `signedBody`. */
export function signedBody(
  ctx: TunedPostContext,
  fields: Readonly<Record<string, string | number | undefined>>,
): string {
  const all: Record<string, string | number | undefined> = {
    appid: ctx.appId,
    mch_id: ctx.mchId,
    ...fields,
    nonce_str: ctx.nonce(),
    sign_type: ctx.signType,
  };
  all.sign = signFields(all, ctx.apiKey, ctx.signType);
  return buildXml(all);
}

/** What a reply is checked against (as in the adapter). */
export interface TunedCheck {
  readonly apiKey: string;
  readonly signType: string;
  readonly appId: string;
  readonly mchId: string;
  readonly status: number;
}

/** The adapter's `checkResponse` with a fast accept path in front. */
export function createCheckResponse(
  original: V2ResponseModule['checkResponse'],
): (raw: Record<string, string>, check: TunedCheck) => Record<string, string> {
  return (raw, check) => {
    const sign = raw.sign;
    if (
      raw.return_code === 'SUCCESS' &&
      sign &&
      raw.result_code !== 'FAIL' &&
      (!raw.appid || raw.appid === check.appId) &&
      (!raw.mch_id || raw.mch_id === check.mchId) &&
      verifyFields(raw, sign, check.apiKey, check.signType)
    ) {
      return raw;
    }
    return original(raw, check);
  };
}
