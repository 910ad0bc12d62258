/**
 * The exact strings WeChat Pay v3 signs (docs/protocol/v3.md). Every line ends in
 * `\n`, the last one included; the body is used byte-for-byte.
 */

/**
 * The message a request's `Authorization` signature covers:
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`. `urlPathAndQuery` must be byte-identical to
 * what goes on the wire (no host); `body` is empty for GET.
 */
export function buildRequestMessage(
  method: string,
  urlPathAndQuery: string,
  timestamp: number | string,
  nonce: string,
  body = '',
): string {
  return `${method.toUpperCase()}\n${urlPathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

const NEWLINE = Buffer.from('\n');

/**
 * The message a response or notification signature covers: `TIMESTAMP\nNONCE\nBODY\n`, with
 * the body as the raw bytes received (an empty body gives `ts\nnonce\n\n`).
 */
export function buildVerifyMessage(
  timestamp: number | string,
  nonce: string,
  body: string | Uint8Array = '',
): Buffer {
  if (typeof body === 'string') return Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8');
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, NEWLINE]);
}

/**
 * The message of a client-side payment signature: the JSAPI/mini-program `paySign`
 * (`appId\ntimeStamp\nnonceStr\npackage\n`) and the App `sign`
 * (`appid\ntimestamp\nnoncestr\nprepayid\n`).
 */
export function buildPaySignMessage(
  appId: string,
  timestamp: number | string,
  nonce: string,
  packageOrPrepayId: string,
): string {
  return `${appId}\n${timestamp}\n${nonce}\n${packageOrPrepayId}\n`;
}
