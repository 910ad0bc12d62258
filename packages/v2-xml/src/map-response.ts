import { ResponseValidationError, SignatureVerificationError } from '@wxpay/core';
import { checkAnswerBinding } from './check-answer.js';
import { resultFailError, returnFailError } from './map-error.js';
import { isCanonicalSign, verifyFields } from './signing/sign-fields.js';
import type { SignType } from './signing/sign-type.js';
import type { XmlMessage } from './xml/parse-xml.js';

/** What a response must be checked against. */
export interface ResponseCheck {
  readonly apiKey: string;
  readonly signType: SignType;
  readonly appId: string;
  /** Further appids accepted in the reply's `appid`. */
  readonly acceptedAppIds?: readonly string[] | undefined;
  readonly mchId: string;
  /** Partner mode: the sub-merchant the request named (its replies carry `sub_mch_id`). */
  readonly subMchId?: string | undefined;
  /** HTTP status, kept on errors. */
  readonly status: number;
  /**
   * Business codes that are not failures for this call (e.g. ORDERCLOSED on close). The
   * message is returned as is when its `err_code` is listed.
   */
  readonly acceptErrCodes?: readonly string[];
}

/**
 * Applies docs/protocol/v2.md to a decoded reply: `return_code=FAIL` → error (unsigned);
 * `SUCCESS` → `sign` mandatory and verified over every received field before anything else is
 * read; then appid/mch_id must be ours; then `result_code=FAIL` → the mapped error.
 */
export function checkResponse(raw: XmlMessage, check: ResponseCheck): XmlMessage {
  const returnCode = raw.return_code;
  if (returnCode === 'FAIL') throw returnFailError(raw, check.status);
  if (returnCode !== 'SUCCESS') {
    throw new ResponseValidationError('reply has no valid return_code', {
      issues: [{ path: 'return_code', message: 'must be SUCCESS or FAIL' }],
      raw,
    });
  }
  const sign = raw.sign;
  if (!sign) throw new SignatureVerificationError('signed reply arrived without a sign');
  if (!isCanonicalSign(sign) || !verifyFields(raw, sign, check.apiKey, check.signType)) {
    throw new SignatureVerificationError(`reply sign does not verify (${check.signType})`);
  }
  // A correctly signed reply for another merchant is still not ours to trust.
  checkAnswerBinding(raw, {
    appId: check.appId,
    acceptedAppIds: check.acceptedAppIds,
    mchId: check.mchId,
    subMchId: check.subMchId,
  });
  if (raw.result_code === 'FAIL') {
    const code = raw.err_code ?? '';
    if (check.acceptErrCodes?.includes(code)) return raw;
    throw resultFailError(raw, check.status);
  }
  return raw;
}
