import { type KeyObject, randomBytes, sign, verify } from 'node:crypto';

/** The scheme every v3 request must use. */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** The attributes of a v3 `Authorization` header. */
export interface AuthorizationFields {
  readonly mchid: string;
  readonly nonce: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly serial: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…`; undefined when the scheme or a field is missing. */
export function parseAuthorization(header: string | undefined): AuthorizationFields | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) return undefined;
  const attrs = new Map<string, string>();
  for (const m of header.slice(space + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) {
    attrs.set(m[1] ?? '', m[2] ?? '');
  }
  const mchid = attrs.get('mchid');
  const nonce = attrs.get('nonce_str');
  const signature = attrs.get('signature');
  const timestamp = attrs.get('timestamp');
  const serial = attrs.get('serial_no');
  if (!mchid || !nonce || !signature || !timestamp || !serial) return undefined;
  return { mchid, nonce, signature, timestamp, serial };
}

/** docs/protocol/v3.md: `METHOD\nURL\nts\nnonce\nbody\n`. */
export function requestMessage(
  method: string,
  url: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** SHA256withRSA (PKCS#1 v1.5) verification of a base64 signature. */
export function verifyRsa(message: string, signatureBase64: string, key: KeyObject): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      key,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}

/** SHA256withRSA signature, base64. */
export function signRsa(message: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), key).toString('base64');
}

/** SHA256withRSA signature on the libuv threadpool (keeps the server responsive under load). */
export function signRsaAsync(message: string, key: KeyObject): Promise<string> {
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(message, 'utf8'), key, (error, signature) => {
      if (error) reject(error);
      else resolve(signature.toString('base64'));
    });
  });
}

/** How an answer's signature should be spoiled, for fault injection. */
export type SignatureSpoiler = 'bad' | 'probe' | undefined;

/**
 * The `Wechatpay-*` headers of a response or notification: signature over `ts\nnonce\nbody\n`
 * with the platform key named by `serial`.
 */
export function signatureHeaders(
  body: string,
  key: KeyObject,
  serial: string,
  timestampSeconds: number,
  spoil?: SignatureSpoiler,
): Record<string, string> {
  const nonce = randomBytes(16).toString('hex');
  const ts = String(timestampSeconds);
  return headers(ts, nonce, signRsa(`${ts}\n${nonce}\n${body}\n`, key), serial, spoil);
}

/** {@link signatureHeaders}, signing on the threadpool. */
export async function signatureHeadersAsync(
  body: string,
  key: KeyObject,
  serial: string,
  timestampSeconds: number,
  spoil?: SignatureSpoiler,
): Promise<Record<string, string>> {
  const nonce = randomBytes(16).toString('hex');
  const ts = String(timestampSeconds);
  const signature = await signRsaAsync(`${ts}\n${nonce}\n${body}\n`, key);
  return headers(ts, nonce, signature, serial, spoil);
}

function headers(
  ts: string,
  nonce: string,
  signature: string,
  serial: string,
  spoil: SignatureSpoiler,
): Record<string, string> {
  let sig = signature;
  if (spoil === 'bad') {
    // Flip bits of one signature byte: same length, still valid base64, wrong signature.
    const raw = Buffer.from(sig, 'base64');
    raw[raw.length >> 1] = (raw[raw.length >> 1] ?? 0) ^ 0x5a;
    sig = raw.toString('base64');
  } else if (spoil === 'probe') {
    sig = `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`;
  }
  return {
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sig,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}
