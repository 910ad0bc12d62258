/**
 * Tuned copies of `@wxpay/v2-xml` `signing/build-sign-string.ts` and `signing/sign-fields.ts`.
 * The change: the name sort. The adapter sorts with a comparator that allocates two Buffers
 * per comparison (`Buffer.compare(Buffer.from(a), Buffer.from(b))`); for ASCII names (every
 * WeChat Pay field) the default sort's UTF-16 order is byte order, so the default sort is used
 * and the Buffer comparator is kept only for names with non-ASCII characters.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

type Fields = Readonly<Record<string, string | number | null | undefined>>;
function isAscii(name: string): boolean {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return false;
  return true;
}

function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Same output as the adapter's `buildSignString`. */
export function buildSignString(fields: Fields, apiKey: string): string {
  const names: string[] = [];
  let ascii = true;
  for (const name of Object.keys(fields)) {
    if (name === 'sign') continue;
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    if (ascii && !isAscii(name)) ascii = false;
    names.push(name);
  }
  if (ascii) names.sort();
  else names.sort(compareBytes);
  let out = '';
  for (const name of names) out += `${name}=${fields[name]}&`;
  return `${out}key=${apiKey}`;
}

/** Same as the adapter's `signString`. */
export function signString(s: string, apiKey: string, signType: string): string {
  const digest =
    signType === 'HMAC-SHA256'
      ? createHmac('sha256', apiKey).update(s, 'utf8').digest('hex')
      : createHash('md5').update(s, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/** Same as the adapter's `signFields`. */
export function signFields(fields: Fields, apiKey: string, signType: string): string {
  return signString(buildSignString(fields, apiKey), apiKey, signType);
}

/** Same as the adapter's `verifyFields` (constant-time comparison kept). */
export function verifyFields(
  fields: Fields,
  signature: string,
  apiKey: string,
  signType: string,
): boolean {
  const expected = Buffer.from(signFields(fields, apiKey, signType), 'ascii');
  const received = Buffer.from(signature.toUpperCase(), 'utf8');
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
