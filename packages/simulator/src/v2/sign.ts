import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The two v2 signature algorithms. */
export type V2SignType = 'MD5' | 'HMAC-SHA256';

/** docs/protocol/v2.md: sorted non-empty fields except `sign`, then `&key=`, MD5 or HMAC-SHA256. */
export function signV2(
  fields: Readonly<Record<string, string | undefined>>,
  apiKey: string,
  type: V2SignType,
): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const message = `${text}&key=${apiKey}`;
  const digest =
    type === 'MD5'
      ? createHash('md5').update(message, 'utf8').digest('hex')
      : createHmac('sha256', apiKey).update(message, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/** Constant-time check of a received `sign`. */
export function verifyV2(
  fields: Readonly<Record<string, string | undefined>>,
  apiKey: string,
  type: V2SignType,
): boolean {
  const given = Buffer.from(fields.sign ?? '', 'utf8');
  const expected = Buffer.from(signV2(fields, apiKey, type), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
