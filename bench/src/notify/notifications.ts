/**
 * The notifications of case I, built the way WeChat Pay sends them: a v3 `TRANSACTION.SUCCESS`
 * whose resource is the Transaction encrypted with AES-256-GCM under the APIv3 key, signed with
 * the platform key over `ts\nnonce\nbody\n`; a v2 payment result signed with MD5. Each has
 * tampered variants for the safety probes.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import {
  API_KEY,
  API_V3_KEY,
  type Keys,
  platformSignature,
  referenceV2Sign,
  V2_APPID,
  V2_MCHID,
  V2_OUT_TRADE_NO,
  V3_PUB_KEY_ID,
  V3_TRANSACTION_BODY,
} from '../fixtures.js';

/** A notification as it goes on the wire. */
export interface WireNotification {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the probes send besides the genuine notification. */
export type NotifyVariant = 'good' | 'tampered-body' | 'tampered-tag' | 'stale';

function encryptResource(tamperTag: boolean): Record<string, string> {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('transaction'));
  const data = Buffer.concat([
    cipher.update(V3_TRANSACTION_BODY, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  if (tamperTag) data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0x01;
  return {
    original_type: 'transaction',
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: data.toString('base64'),
    associated_data: 'transaction',
    nonce,
  };
}

/** A signed v3 payment notification (or a tampered one). */
export function v3Notification(keys: Keys, variant: NotifyVariant = 'good'): WireNotification {
  const now = Math.floor(Date.now() / 1000);
  const ts = variant === 'stale' ? now - 3600 : now;
  const nonce = randomBytes(16).toString('hex');
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2018-06-08T10:34:56+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: encryptResource(variant === 'tampered-tag'),
  });
  const signature = platformSignature(keys, ts, nonce, body);
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': String(ts),
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': V3_PUB_KEY_ID,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    // The tampered body keeps the signature of the original one.
    body: variant === 'tampered-body' ? body.replace('支付成功', '支付失败') : body,
  };
}

/** The fields of a v2 payment result notification. */
export const V2_NOTIFY_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  appid: V2_APPID,
  bank_type: 'CFT',
  cash_fee: '1',
  fee_type: 'CNY',
  is_subscribe: 'Y',
  mch_id: V2_MCHID,
  nonce_str: '5d2b6c2a8db53831f7eda20af46e531c',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  out_trade_no: V2_OUT_TRADE_NO,
  result_code: 'SUCCESS',
  return_code: 'SUCCESS',
  time_end: '20140903131540',
  total_fee: '1',
  trade_type: 'JSAPI',
  transaction_id: '1004400740201409030005092168',
});

/** A signed v2 payment notification (or one with a signed field changed after signing). */
export function v2Notification(variant: NotifyVariant = 'good'): WireNotification {
  const sign = referenceV2Sign(V2_NOTIFY_FIELDS, 'MD5', API_KEY);
  let body = '<xml>';
  for (const [name, value] of Object.entries(V2_NOTIFY_FIELDS)) {
    body +=
      name === 'total_fee'
        ? `<${name}>${value}</${name}>`
        : `<${name}><![CDATA[${value}]]></${name}>`;
  }
  body += `<sign><![CDATA[${sign}]]></sign></xml>`;
  if (variant === 'tampered-body')
    body = body.replace('<total_fee>1</total_fee>', '<total_fee>100</total_fee>');
  return { headers: { 'content-type': 'text/xml' }, body };
}

/** The v2 success acknowledgement. */
export const V2_ACK_SUCCESS =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
