import {
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { buildSignString, type V2Fields } from './build-sign-string.js';
import type { SignType } from './sign-type.js';

// HMAC keys made from the API key text once per key: `createHmac` with a string re-encodes it
// and wraps it in a new key on every call (~10 % of an HMAC-SHA256 signature). A process signs
// with a handful of API keys (one per merchant); the bound keeps a caller cycling through keys
// from growing it. The key is the UTF-8 encoding of the text, as `createHmac` makes it.
const hmacKeys = new Map<string, KeyObject>();
const MAX_HMAC_KEYS = 64;

function hmacKey(apiKey: string): KeyObject {
  let key = hmacKeys.get(apiKey);
  if (key === undefined) {
    if (hmacKeys.size >= MAX_HMAC_KEYS) hmacKeys.clear();
    key = createSecretKey(Buffer.from(apiKey, 'utf8'));
    hmacKeys.set(apiKey, key);
  }
  return key;
}

/** Signs a canonical string: uppercase hex of MD5 or HMAC-SHA256 (keyed with the API key). */
export function signString(signString: string, apiKey: string, signType: SignType): string {
  const digest =
    signType === 'HMAC-SHA256'
      ? createHmac('sha256', hmacKey(apiKey)).update(signString, 'utf8').digest('hex')
      : createHash('md5').update(signString, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/**
 * The v2 `sign` of a field set (docs/protocol/v2.md). `sign` itself and empty fields are ignored,
 * so the same function signs requests and checks responses.
 */
export function signFields(fields: V2Fields, apiKey: string, signType: SignType): string {
  return signString(buildSignString(fields, apiKey), apiKey, signType);
}

const HEX = /^[0-9A-Fa-f]+$/;

/**
 * True when `signature` is the v2 sign of `fields` under `signType`. The comparison is constant
 * time; a lower-case signature is accepted (hex is case-insensitive), any other shape is not.
 * Replies and notifications go through `isCanonicalSign` first, which accepts only what WeChat
 * sends (upper-case hex of 32 or 64 characters).
 */
export function verifyFields(
  fields: V2Fields,
  signature: string,
  apiKey: string,
  signType: SignType,
): boolean {
  // Only ASCII hex: `toUpperCase` maps some non-ASCII letters onto hex digits ('ﬀ' → 'FF').
  if (!HEX.test(signature)) return false;
  const expected = Buffer.from(signFields(fields, apiKey, signType), 'ascii');
  const received = Buffer.from(signature.toUpperCase(), 'utf8');
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}

const CANONICAL = /^(?:[0-9A-F]{32}|[0-9A-F]{64})$/;

/**
 * True when a received `sign` has the one form WeChat Pay sends: upper-case hex of an MD5 or
 * HMAC-SHA256 digest. Replies and notifications must carry this form, so that no byte of a
 * signed message can change (not even the case of a hex digit) without the message being refused.
 */
export function isCanonicalSign(signature: string): boolean {
  return CANONICAL.test(signature);
}
