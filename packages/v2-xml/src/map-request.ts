import { signFields } from './signing/sign-fields.js';
import type { SignType } from './signing/sign-type.js';
import { buildXml } from './xml/build-xml.js';

/** What every signed request carries besides its business fields. */
export interface RequestIdentity {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: SignType;
  readonly nonce: () => string;
}

/**
 * The signed request body: common fields, a fresh `nonce_str`, the explicit `sign_type`, then
 * `sign`. Called once per attempt so every retry carries a new nonce.
 */
export function signedBody(
  ctx: RequestIdentity,
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
