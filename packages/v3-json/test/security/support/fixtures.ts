import { createCipheriv, randomBytes } from 'node:crypto';
import type { Clock } from '@wxpay/core';
import { createV3Client, type V3Client, type V3ClientConfig } from '../../../src/index.js';
import { type SignerIdentity, signedHeaders, type TestKeys } from '../../support/test-keys.js';

export const MCH = '1900000001';
export const APP = 'wx8888888888888888';
/** A fixed "now" (Unix seconds) shared by the signer and the client's clock. */
export const NOW = 1_763_870_000;
export const fixedClock: Clock = { now: () => NOW * 1000 };

/** A paid transaction as WeChat Pay returns it (with non-ASCII text, so bytes ≠ characters). */
export const TRANSACTION = {
  appid: APP,
  mchid: MCH,
  out_trade_no: 'SEC-20251123-0001',
  transaction_id: '4200000215201811190261405420',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMC',
  attach: '自定义数据',
  success_time: '2025-11-23T10:34:56+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};

/** A public-key-mode client (an unknown serial is refused at once, no certificate download). */
export function publicKeyClient(
  keys: TestKeys,
  baseUrl: string,
  extra: Partial<V3ClientConfig> = {},
): V3Client {
  return createV3Client({
    mchId: MCH,
    appId: APP,
    privateKey: keys.merchant.privateKey,
    certificateSerial: keys.merchant.serial,
    apiV3Key: keys.apiV3Key,
    wechatpayPublicKey: { id: keys.publicKey.serial, key: keys.publicKey.publicKey },
    platformCertificates: 'off',
    baseUrl,
    clock: fixedClock,
    retry: { maxAttempts: 1 },
    ...extra,
  });
}

/** AES-256-GCM like WeChat Pay, over raw bytes (so invalid UTF-8 can be sealed too). */
export function seal(
  apiV3Key: string,
  nonce: string,
  aad: string,
  plaintext: string | Buffer,
): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([
    cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64');
}

/** Options of {@link notificationBody}. */
export interface EnvelopeOptions {
  readonly plaintext?: string | Buffer;
  readonly apiV3Key?: string;
  readonly nonce?: string;
  readonly aad?: string;
  readonly algorithm?: string;
  readonly eventType?: string;
  readonly id?: string;
}

/** The JSON text of a v3 payment notification envelope with an encrypted resource. */
export function notificationBody(keys: TestKeys, options: EnvelopeOptions = {}): string {
  const nonce = options.nonce ?? randomBytes(6).toString('hex');
  const aad = options.aad ?? 'transaction';
  return JSON.stringify({
    id: options.id ?? 'EV-2018-0001-0001',
    create_time: '2025-11-23T10:35:00+08:00',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    resource_type: 'encrypt-resource',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: options.algorithm ?? 'AEAD_AES_256_GCM',
      ciphertext: seal(
        options.apiV3Key ?? keys.apiV3Key,
        nonce,
        aad,
        options.plaintext ?? JSON.stringify(TRANSACTION),
      ),
      associated_data: aad,
      nonce,
    },
  });
}

/** Body bytes plus the `Wechatpay-*` headers of `signer` at `timestamp` (default {@link NOW}). */
export function signed(
  signer: SignerIdentity,
  body: string | Buffer,
  timestamp = NOW,
): { headers: Record<string, string>; body: Buffer } {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { headers: signedHeaders(signer, bytes, { timestamp }), body: bytes };
}
