import type { NotificationProtocol } from './acknowledgement.js';

/** Headers as node:http gives them (lower-case names) or a Web `Headers`. */
export type NotificationHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

// Duck-typed: a framework may bring its own Headers implementation.
function isWebHeaders(headers: NotificationHeaders): headers is Headers {
  return (
    typeof (headers as Headers).get === 'function' &&
    typeof (headers as Headers).forEach === 'function'
  );
}

/** Plain lower-cased header record, the form `PaymentClient.parseNotification` takes. */
export function headerRecord(
  headers: NotificationHeaders | undefined,
): Record<string, string | readonly string[] | undefined> {
  const out: Record<string, string | readonly string[] | undefined> = {};
  if (!headers) return out;
  if (isWebHeaders(headers)) {
    headers.forEach((value, name) => {
      out[name] = value;
    });
    return out;
  }
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name];
  return out;
}

function hasWechatpayHeader(headers: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase().startsWith('wechatpay-'));
}

/** The first character of the body that is not whitespace or a byte-order mark. */
function firstSignificant(body: string | Uint8Array): string {
  // The usual body starts right away with `<` or `{`: no decoding and no regex for it.
  const code = typeof body === 'string' ? body.charCodeAt(0) : body[0];
  if (code === 0x3c || code === 0x7b) return String.fromCharCode(code);
  const head =
    typeof body === 'string'
      ? body.slice(0, 64)
      : Buffer.from(body.subarray(0, 64)).toString('utf8');
  return head.replace(/^[\s\uFEFF]+/, '').charAt(0);
}

/**
 * The protocol of one notification, from what arrived: v2 is an XML body; v3 is a JSON body
 * or a request carrying `Wechatpay-*` headers. Undefined when it is neither (an empty or
 * unrecognisable body): no client can verify it.
 */
export function detectNotificationProtocol(
  headers: Readonly<Record<string, unknown>>,
  body: string | Uint8Array,
): NotificationProtocol | undefined {
  const first = firstSignificant(body);
  if (first === '<') return 'v2';
  if (first === '{' || hasWechatpayHeader(headers)) return 'v3';
  return undefined;
}

/**
 * The protocol a request most likely uses when its body could not be read (too large, broken
 * stream): `Wechatpay-*` headers mean v3, an XML content type v2.
 */
export function protocolFromHeaders(
  headers: Readonly<Record<string, unknown>>,
): NotificationProtocol | undefined {
  if (hasWechatpayHeader(headers)) return 'v3';
  const type = headers['content-type'];
  return typeof type === 'string' && type.includes('xml') ? 'v2' : undefined;
}
