import {
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { type Dispatcher, request } from 'undici';

// A deliberately small, independent client for both protocols. The contract suite uses it to
// read an order through the protocol the adapter under test does not speak, and the
// simulator's own tests use it to send hand-made (also wrongly signed) requests.

/** A raw HTTP answer. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly text: string;
}

const xml = new XMLParser({ parseTagValue: false, trimValues: false, ignoreDeclaration: true });

/** Parses a flat v2 `<xml>` answer into string fields. */
export function parseV2(text: string): Record<string, string> {
  const doc = xml.parse(text) as { xml?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.xml ?? {}))
    if (typeof v === 'string' && k !== '#text') out[k] = v;
  return out;
}

/** v2 signature (docs/protocol/v2.md). */
export function v2Sign(
  fields: Readonly<Record<string, string | undefined>>,
  key: string,
  type: 'MD5' | 'HMAC-SHA256' = 'MD5',
): string {
  const message = `${Object.entries(fields)
    .filter(([k, v]) => k !== 'sign' && v !== undefined && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}&key=${key}`;
  const hex =
    type === 'MD5'
      ? createHash('md5').update(message).digest('hex')
      : createHmac('sha256', key).update(message).digest('hex');
  return hex.toUpperCase();
}

async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  dispatcher: Dispatcher | undefined,
): Promise<RawAnswer> {
  const res = await request(url, {
    ...(dispatcher ? { dispatcher } : {}),
    method: method as 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const buf = Buffer.from(await res.body.arrayBuffer());
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (typeof v === 'string') h[k.toLowerCase()] = v;
  return { status: res.statusCode, headers: h, body: buf, text: buf.toString('utf8') };
}

/** Credentials of {@link v2Request}. */
export interface V2RawCredentials {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
}

/** Sends a signed v2 request (appid, mch_id, nonce_str, sign_type, sign added). */
export async function v2Request(
  baseUrl: string,
  path: string,
  credentials: V2RawCredentials,
  fields: Readonly<Record<string, string>>,
  signType: 'MD5' | 'HMAC-SHA256' = 'MD5',
  options: { readonly dispatcher?: Dispatcher } = {},
): Promise<RawAnswer & { fields: Record<string, string> }> {
  const all: Record<string, string> = {
    appid: credentials.appId,
    mch_id: credentials.mchId,
    nonce_str: randomBytes(16).toString('hex'),
    sign_type: signType,
    ...fields,
  };
  all.sign = v2Sign(all, credentials.apiKey, signType);
  const body = `<xml>${Object.entries(all)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;
  const answer = await send(
    `${baseUrl}${path}`,
    'POST',
    { 'Content-Type': 'text/xml; charset=utf-8' },
    body,
    options.dispatcher,
  );
  let parsed: Record<string, string> = {};
  if (answer.text.startsWith('<')) parsed = parseV2(answer.text);
  return { ...answer, fields: parsed };
}

/** Credentials of {@link v3Request}. */
export interface V3RawCredentials {
  readonly mchId: string;
  readonly privateKey: string | KeyObject;
  readonly certificateSerial: string;
}

/** Overrides for hand-made v3 requests. */
export interface V3RawOptions {
  readonly timestamp?: number;
  readonly nonce?: string;
  /** Sent as `Wechatpay-Serial`. */
  readonly wechatpaySerial?: string;
  /** An undici dispatcher, e.g. an Agent trusting the simulator's CA in TLS mode. */
  readonly dispatcher?: Dispatcher;
}

/** Sends a v3 request with an `Authorization` header signed by the given key. */
export async function v3Request(
  baseUrl: string,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  credentials: V3RawCredentials,
  body?: unknown,
  options: V3RawOptions = {},
): Promise<RawAnswer & { json: unknown }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex').toUpperCase();
  const key =
    typeof credentials.privateKey === 'string'
      ? createPrivateKey(credentials.privateKey)
      : credentials.privateKey;
  const signature = sign(
    'sha256',
    Buffer.from(`${method}\n${pathAndQuery}\n${ts}\n${nonce}\n${text}\n`),
    key,
  ).toString('base64');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': 'wxpay-contract-raw/1',
    Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${credentials.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${ts}",serial_no="${credentials.certificateSerial}"`,
  };
  if (text) headers['Content-Type'] = 'application/json';
  if (options.wechatpaySerial) headers['Wechatpay-Serial'] = options.wechatpaySerial;
  const answer = await send(
    `${baseUrl}${pathAndQuery}`,
    method,
    headers,
    text || undefined,
    options.dispatcher,
  );
  let json: unknown;
  try {
    json = answer.text ? JSON.parse(answer.text) : undefined;
  } catch {
    json = undefined;
  }
  return { ...answer, json };
}
