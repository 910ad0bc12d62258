import type { KeyObject } from 'node:crypto';
import { SignatureProbeError, SignatureVerificationError } from '@wxpay/core';
import { AUTHORIZATION_SCHEME } from './authorization.js';
import { buildVerifyMessage } from './build-message.js';
import { verifySignature } from './sign.js';

/** Headers as node:http, undici or a plain object give them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The `Wechatpay-*` headers of a signed response or notification. */
export interface SignedHeaders {
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
  readonly serial: string;
}

/** The prefix of WeChat Pay's deliberate probe signatures (docs/protocol/v3.md). */
export const PROBE_SIGNATURE_PREFIX = 'WECHATPAY/SIGNTEST/';
/** Largest accepted distance between a message's timestamp and now, both directions. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Case-insensitive single-value header lookup, for a name given in lower case (no string is
 * made per call). node:http and undici give lower-case names, so the direct read almost always
 * hits; the scan covers hand-built header objects.
 */
function headerValue(headers: HeaderBag, lower: string): string | undefined {
  const direct = headers[lower];
  if (direct !== undefined) return typeof direct === 'string' ? direct : direct[0];
  for (const key in headers) {
    // Only a name of the same length can match: most keys are skipped without lower-casing.
    if (key.length !== lower.length) continue;
    const value = headers[key];
    if (value === undefined || key.toLowerCase() !== lower) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

function requiredHeader(headers: HeaderBag, lower: string, name: string): string {
  const value = headerValue(headers, lower)?.trim();
  if (!value) throw new SignatureVerificationError(`missing ${name} header`);
  return value;
}

/** Reads the four `Wechatpay-*` headers; throws when one is missing or empty. */
export function extractSignedHeaders(headers: HeaderBag): SignedHeaders {
  return {
    timestamp: requiredHeader(headers, 'wechatpay-timestamp', 'Wechatpay-Timestamp'),
    nonce: requiredHeader(headers, 'wechatpay-nonce', 'Wechatpay-Nonce'),
    signature: requiredHeader(headers, 'wechatpay-signature', 'Wechatpay-Signature'),
    serial: requiredHeader(headers, 'wechatpay-serial', 'Wechatpay-Serial'),
  };
}

/** A Unix time in seconds, as the header carries it. */
const UNIX_SECONDS = /^\d{1,12}$/;
/** Visible ASCII: a nonce is a line of the signed message (see below). */
const NONCE = /^[\x21-\x7e]{1,128}$/;

/** Inputs of {@link verifyWechatpaySignature}. */
export interface VerifySignatureInput {
  readonly headers: HeaderBag;
  /** The body exactly as received. */
  readonly body: string | Uint8Array;
  /** Current Unix time in seconds. */
  readonly nowSeconds: number;
  /**
   * Finds the verification key for a `Wechatpay-Serial` (may refresh certificates);
   * `undefined` when no key is known.
   */
  readonly resolveKey: (serial: string) => Promise<KeyObject | undefined>;
  /** Explains, when it can, why no key is known for a serial (appended to the error). */
  readonly missingKeyHint?: (serial: string) => string | undefined;
}

/**
 * Verifies a signed v3 response or notification (docs/protocol/v3.md): the four headers, the
 * timestamp within ±300 s, the probe prefix (before any key lookup), the key named by the
 * serial, then SHA256withRSA over `ts\nnonce\nbody\n`. Resolves with the headers on success;
 * throws {@link SignatureVerificationError} (or {@link SignatureProbeError}) otherwise.
 */
export async function verifyWechatpaySignature(
  input: VerifySignatureInput,
): Promise<SignedHeaders> {
  const signed = extractSignedHeaders(input.headers);
  if (!UNIX_SECONDS.test(signed.timestamp)) {
    throw new SignatureVerificationError('Wechatpay-Timestamp is not a Unix time');
  }
  // The nonce is a line of the signed message: a line break in it would let a header take over
  // the start of a signed body (`ts\nnonce\nbody\n` stays the same bytes). WeChat Pay's are
  // 32 alphanumerics; accept visible ASCII only.
  if (!NONCE.test(signed.nonce)) {
    throw new SignatureVerificationError('Wechatpay-Nonce has characters no nonce has');
  }
  const skew = input.nowSeconds - Number(signed.timestamp);
  if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
    throw new SignatureVerificationError(
      `Wechatpay-Timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (limit ${MAX_CLOCK_SKEW_SECONDS} s); check the clock or suspect a replay`,
    );
  }
  if (signed.signature.startsWith(PROBE_SIGNATURE_PREFIX)) {
    throw new SignatureProbeError(
      'WeChat Pay probe signature (WECHATPAY/SIGNTEST/) refused; for an API call the outcome is unknown, query before acting',
    );
  }
  const type = headerValue(input.headers, 'wechatpay-signature-type');
  if (type !== undefined && type !== AUTHORIZATION_SCHEME) {
    throw new SignatureVerificationError('unsupported Wechatpay-Signature-Type');
  }
  const key = await input.resolveKey(signed.serial);
  if (!key) {
    const hint = input.missingKeyHint?.(signed.serial);
    throw new SignatureVerificationError(
      `no WeChat Pay public key or platform certificate for Wechatpay-Serial ${signed.serial}${hint ? `: ${hint}` : ''}`,
    );
  }
  const message = buildVerifyMessage(signed.timestamp, signed.nonce, input.body);
  if (!(await verifySignature(key, message, signed.signature))) {
    throw new SignatureVerificationError('Wechatpay-Signature does not verify');
  }
  return signed;
}
