/**
 * Shared test material: merchant and platform key pairs, the v2 orderquery reply built from
 * the official orderquery example (seed 003), a v3 Transaction body and an encrypted
 * notification resource. Keys are generated once per process; children receive PEM text.
 */
import {
  createCipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';

/** v2 API key (docs/protocol/vectors). */
export const API_KEY = '192006250b4c09247ec02edce69f6a2d';
/** v2 merchant identity of the orderquery example. */
export const V2_APPID = 'wx2421b1c4370ec43b';
export const V2_MCHID = '10000100';
/** Order queried in v2. */
export const V2_OUT_TRADE_NO = '1415757673';

/** v3 merchant identity (docs/protocol/vectors/v3-messages.json). */
export const V3_MCHID = '1230000109';
export const V3_APPID = 'wxd678efh567hg6787';
export const V3_SERIAL = '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C';
export const V3_PUB_KEY_ID = 'PUB_KEY_ID_0112345678901234567890123456789012';
export const V3_OUT_TRADE_NO = '1217752501201407033233368018';
export const V3_QUERY_PATH = `/v3/pay/transactions/out-trade-no/${V3_OUT_TRADE_NO}?mchid=${V3_MCHID}`;
/** TV9 body. */
export const V3_POST_PATH = '/v3/pay/transactions/jsapi';
export const V3_POST_BODY =
  '{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}';
/** Case F v3 create: a Native order (one signature per request, no client-side pay signing). */
export const V3_NATIVE_PATH = '/v3/pay/transactions/native';
export const V3_NATIVE_NOTIFY_URL = 'https://merchant.example/wxpay/notify';
export const V3_NATIVE_DESCRIPTION = 'Image形象店-深圳腾大-QQ公仔';
/** The answer of the Native order endpoint. */
export const V3_NATIVE_REPLY_BODY = '{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}';
/** APIv3 key of TV7. */
export const API_V3_KEY = '0123456789abcdefghijklmnopqrstuv';

/** A successful v3 Transaction as the query endpoint returns it. */
export const V3_TRANSACTION = {
  appid: V3_APPID,
  mchid: V3_MCHID,
  out_trade_no: V3_OUT_TRADE_NO,
  transaction_id: '4200000215201811190261405420',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMC',
  success_time: '2018-06-08T10:34:56+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
} as const;
export const V3_TRANSACTION_BODY = JSON.stringify(V3_TRANSACTION);

/** Field values of the official orderquery reply example (seed 003), in wire order. */
export const V2_REPLY_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  return_code: 'SUCCESS',
  return_msg: 'OK',
  appid: V2_APPID,
  mch_id: V2_MCHID,
  device_info: '1000',
  nonce_str: 'TN55wO9Pba5yENl8',
  result_code: 'SUCCESS',
  openid: 'oUpF8uN95-Ptaags6E_roPHg7AG0',
  is_subscribe: 'Y',
  trade_type: 'MICROPAY',
  bank_type: 'CCB_DEBIT',
  total_fee: '1',
  fee_type: 'CNY',
  transaction_id: '1008450740201411110005820873',
  out_trade_no: V2_OUT_TRADE_NO,
  attach: '订单额外描述',
  time_end: '20141111170043',
  trade_state: 'SUCCESS',
});

/** v2 sign types. */
export type V2SignType = 'MD5' | 'HMAC-SHA256';

/** Reference v2 sign (docs/protocol/v2.md), independent of every contestant. */
export function referenceV2Sign(
  fields: Readonly<Record<string, unknown>>,
  type: V2SignType,
  key = API_KEY,
): string {
  const names = Object.keys(fields)
    .filter(
      (n) => n !== 'sign' && fields[n] !== undefined && fields[n] !== null && fields[n] !== '',
    )
    .sort();
  const s = `${names.map((n) => `${n}=${String(fields[n])}`).join('&')}&key=${key}`;
  const h = type === 'MD5' ? createHash('md5') : createHmac('sha256', key);
  return h.update(s, 'utf8').digest('hex').toUpperCase();
}

/**
 * The signed orderquery reply laid out like the seed: one element per line, strings in CDATA,
 * `total_fee` bare, `sign` after `nonce_str`.
 */
export function v2ReplyXml(type: V2SignType, fields = V2_REPLY_FIELDS): string {
  const sign = referenceV2Sign(fields, type);
  let out = '<xml>\n';
  for (const [name, value] of Object.entries(fields)) {
    out +=
      /^\d+$/.test(value) && name === 'total_fee'
        ? `<${name}>${value}</${name}>\n`
        : `<${name}><![CDATA[${value}]]></${name}>\n`;
    if (name === 'nonce_str') out += `<sign><![CDATA[${sign}]]></sign>\n`;
  }
  return `${out}</xml>`;
}

/** PEM key material shared with child processes. */
export interface KeyPems {
  readonly merchantPrivate: string;
  readonly merchantPublic: string;
  readonly platformPrivate: string;
  readonly platformPublic: string;
}

/** Key material with parsed KeyObjects. */
export interface Keys extends KeyPems {
  readonly merchantPrivateKey: KeyObject;
  readonly merchantPublicKey: KeyObject;
  readonly platformPrivateKey: KeyObject;
  readonly platformPublicKey: KeyObject;
}

/** Generates the merchant and the platform RSA-2048 key pairs. */
export function generateKeys(): KeyPems {
  const pair = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  const m = pair();
  const p = pair();
  return {
    merchantPrivate: m.privateKey,
    merchantPublic: m.publicKey,
    platformPrivate: p.privateKey,
    platformPublic: p.publicKey,
  };
}

/** Parses PEMs once into KeyObjects. */
export function toKeys(pems: KeyPems): Keys {
  return {
    ...pems,
    merchantPrivateKey: createPrivateKey(pems.merchantPrivate),
    merchantPublicKey: createPublicKey(pems.merchantPublic),
    platformPrivateKey: createPrivateKey(pems.platformPrivate),
    platformPublicKey: createPublicKey(pems.platformPublic),
  };
}

/** WeChat Pay's v3 signature (platform key, SHA256-RSA) over `ts\nnonce\nbody\n`, base64. */
export function platformSignature(keys: Keys, ts: number, nonce: string, body: string): string {
  return sign(
    'sha256',
    Buffer.from(`${ts}\n${nonce}\n${body}\n`),
    keys.platformPrivateKey,
  ).toString('base64');
}

/** An AEAD_AES_256_GCM notification resource (like TV7) and its plaintext. */
export interface GcmFixture {
  readonly nonce: string;
  readonly associatedData: string;
  readonly ciphertext: string;
  /** Same, with one bit of the tag flipped. */
  readonly tamperedCiphertext: string;
  readonly plaintext: string;
}

/** Encrypts the v3 Transaction like WeChat Pay does for a payment notification. */
export function gcmFixture(): GcmFixture {
  const nonce = 'fdasflkja484';
  const associatedData = 'transaction';
  const plaintext = V3_TRANSACTION_BODY;
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(associatedData));
  const data = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const tampered = Buffer.from(data);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
  return {
    nonce,
    associatedData,
    ciphertext: data.toString('base64'),
    tamperedCiphertext: tampered.toString('base64'),
    plaintext,
  };
}

/** Deep equality for JSON-like values (order of object keys ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
