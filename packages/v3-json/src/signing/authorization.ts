/** The signature scheme of the v3 `Authorization` header. */
export const AUTHORIZATION_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** The parts of a v3 `Authorization` header. */
export interface AuthorizationParts {
  readonly mchId: string;
  readonly nonce: string;
  readonly timestamp: number | string;
  /** Merchant API certificate serial (uppercase hex). */
  readonly serialNo: string;
  /** Base64 signature of the request message. */
  readonly signature: string;
}

/**
 * Formats the `Authorization` header value:
 * `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
 */
export function buildAuthorization(parts: AuthorizationParts): string {
  return (
    `${AUTHORIZATION_SCHEME} mchid="${parts.mchId}",nonce_str="${parts.nonce}",` +
    `signature="${parts.signature}",timestamp="${parts.timestamp}",serial_no="${parts.serialNo}"`
  );
}

/**
 * Parses an `Authorization` header value into its attributes (any order). Returns `undefined`
 * when the scheme is not WECHATPAY2-SHA256-RSA2048 or an attribute is missing.
 */
export function parseAuthorization(header: string): AuthorizationParts | undefined {
  const prefix = `${AUTHORIZATION_SCHEME} `;
  if (!header.startsWith(prefix)) return undefined;
  const attrs = new Map<string, string>();
  for (const match of header.slice(prefix.length).matchAll(/(\w+)="([^"]*)"/g)) {
    attrs.set(match[1]!, match[2]!);
  }
  const mchId = attrs.get('mchid');
  const nonce = attrs.get('nonce_str');
  const signature = attrs.get('signature');
  const timestamp = attrs.get('timestamp');
  const serialNo = attrs.get('serial_no');
  if (!mchId || !nonce || !signature || !timestamp || !serialNo) return undefined;
  return { mchId, nonce, signature, timestamp, serialNo };
}
