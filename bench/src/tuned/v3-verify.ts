/**
 * Tuned copy of `@wxpay/v3-json` `signing/verify.ts` `verifyWechatpaySignature`: same checks in
 * the same order with the same errors, three changes:
 * - header lookup reads the lower-case key directly (undici and node:http give lower-case
 *   names) and scans case-insensitively only when that misses; the adapter scans
 *   `Object.entries(headers)` with `toLowerCase()` for each of the five headers;
 * - the signed message is one `Buffer.from` of one string for a string body (the adapter
 *   concatenates three Buffers);
 * - RSA *verification* runs synchronously: at ~30 µs it costs about what a threadpool
 *   round trip costs, so offloading it adds CPU instead of saving it (signing, at ~300 µs,
 *   stays asynchronous).
 */
import { type KeyObject, verify } from 'node:crypto';
import { SignatureProbeError, SignatureVerificationError } from '@wxpay/core';

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function headerValue(headers: HeaderBag, lower: string): string | undefined {
  const direct = headers[lower];
  if (direct !== undefined) return typeof direct === 'string' ? direct : direct[0];
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || key.toLowerCase() !== lower) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

function read(headers: HeaderBag, lower: string, display: string): string {
  const value = headerValue(headers, lower)?.trim();
  if (!value) throw new SignatureVerificationError(`missing ${display} header`);
  return value;
}

const NEWLINE = Buffer.from('\n');

/** Same contract as the adapter's `verifyWechatpaySignature`. */
export async function verifyWechatpaySignature(input: {
  readonly headers: HeaderBag;
  readonly body: string | Uint8Array;
  readonly nowSeconds: number;
  readonly resolveKey: (serial: string) => Promise<KeyObject | undefined>;
}): Promise<{ timestamp: string; nonce: string; signature: string; serial: string }> {
  const { headers } = input;
  const timestamp = read(headers, 'wechatpay-timestamp', 'Wechatpay-Timestamp');
  const nonce = read(headers, 'wechatpay-nonce', 'Wechatpay-Nonce');
  const signature = read(headers, 'wechatpay-signature', 'Wechatpay-Signature');
  const serial = read(headers, 'wechatpay-serial', 'Wechatpay-Serial');
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new SignatureVerificationError('Wechatpay-Timestamp is not a Unix time');
  }
  const skew = input.nowSeconds - Number(timestamp);
  if (Math.abs(skew) > 300) {
    throw new SignatureVerificationError(
      `Wechatpay-Timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (limit 300 s); check the clock or suspect a replay`,
    );
  }
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) {
    throw new SignatureProbeError(
      'WeChat Pay probe signature (WECHATPAY/SIGNTEST/) refused; for an API call the outcome is unknown, query before acting',
    );
  }
  const type = headerValue(headers, 'wechatpay-signature-type');
  if (type !== undefined && type !== 'WECHATPAY2-SHA256-RSA2048') {
    throw new SignatureVerificationError('unsupported Wechatpay-Signature-Type');
  }
  const key = await input.resolveKey(serial);
  if (!key) {
    throw new SignatureVerificationError(
      `no WeChat Pay public key or platform certificate for Wechatpay-Serial ${serial}`,
    );
  }
  const message =
    typeof input.body === 'string'
      ? Buffer.from(`${timestamp}\n${nonce}\n${input.body}\n`, 'utf8')
      : Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), input.body, NEWLINE]);
  let ok = false;
  try {
    ok = verify('sha256', message, key, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) throw new SignatureVerificationError('Wechatpay-Signature does not verify');
  return { timestamp, nonce, signature, serial };
}
