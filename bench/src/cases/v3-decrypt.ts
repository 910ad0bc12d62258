/** Case E: decrypt a v3 notification resource (AEAD_AES_256_GCM) and parse its JSON. */
import { createDecipheriv } from 'node:crypto';
import { decryptAesGcm } from '@wxpay/v3-json';
import { API_V3_KEY, type GcmFixture, jsonEqual, V3_TRANSACTION } from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { axiosPlugin, NodeV3 } from '../peers.js';
import { contestantsOf, refuses } from './contestants-of.js';

/** The contestants of case E. Each returns the parsed plaintext object. */
export function v3DecryptContestants(fx: GcmFixture, merchantPem: string): Contestant[] {
  const key = Buffer.from(API_V3_KEY);
  const raw = (ciphertext: string): unknown => {
    const data = Buffer.from(ciphertext, 'base64');
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(fx.nonce));
    d.setAuthTag(data.subarray(data.length - 16));
    d.setAAD(Buffer.from(fx.associatedData));
    const text = Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
    return JSON.parse(text.toString('utf8'));
  };
  const wxpay = (ciphertext: string): unknown =>
    JSON.parse(
      decryptAesGcm(key, {
        nonce: fx.nonce,
        ciphertext,
        associatedData: fx.associatedData,
      }).toString('utf8'),
    );
  const pay = new NodeV3({
    appid: 'wx',
    mchid: '1',
    serial_no: 'AB',
    publicKey: Buffer.from(merchantPem),
    privateKey: Buffer.from(merchantPem),
    key: API_V3_KEY,
  });
  const nodeV3 = (ciphertext: string): unknown =>
    pay.decipher_gcm(ciphertext, fx.associatedData, fx.nonce, API_V3_KEY);
  const axios = (ciphertext: string): unknown =>
    JSON.parse(axiosPlugin.Aes.AesGcm.decrypt(ciphertext, API_V3_KEY, fx.nonce, fx.associatedData));

  const judge = (fn: (ciphertext: string) => unknown) => ({
    run: () => fn(fx.ciphertext),
    check: () => (jsonEqual(fn(fx.ciphertext), V3_TRANSACTION) ? undefined : 'plaintext differs'),
    safety: () => refuses(() => fn(fx.tamperedCiphertext), 'unsafe: skips GCM tag check'),
  });
  return contestantsOf(judge, [
    ['raw', raw, { baseline: true, note: 'createDecipheriv + final + JSON.parse' }],
    ['wxpay', wxpay, { note: 'decryptAesGcm + JSON.parse' }],
    ['wechatpay-node-v3', nodeV3, { note: 'decipher_gcm (no final())' }],
    ['axios-plugin', axios, { note: 'Aes.AesGcm.decrypt + JSON.parse' }],
  ]);
}
