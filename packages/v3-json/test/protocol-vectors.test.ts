import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { DecryptionError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { decryptAesGcm, encryptAesGcm } from '../src/crypto/aes-gcm.js';
import {
  buildPaySignMessage,
  buildRequestMessage,
  buildVerifyMessage,
} from '../src/signing/build-message.js';
import { verifyWechatpaySignature } from '../src/signing/verify.js';
import { protocolVectors } from './support/protocol-vectors.js';

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('docs/protocol/vectors/v3-aes-gcm.json', () => {
  const { cases } = protocolVectors('v3-aes-gcm.json');
  it('decrypts and encrypts each case; a changed associated_data fails', () => {
    for (const c of cases) {
      const resource = {
        nonce: c.nonce,
        ciphertext: c.ciphertext,
        associatedData: c.associatedData,
      };
      expect(decryptAesGcm(c.key, resource).toString('utf8')).toBe(c.plaintext);
      expect(encryptAesGcm(c.key, c.nonce, c.plaintext, c.associatedData)).toBe(c.ciphertext);
      if (c.wrongAssociatedData) {
        expect(() =>
          decryptAesGcm(c.key, { ...resource, associatedData: c.wrongAssociatedData }),
        ).toThrow(DecryptionError);
      }
    }
  });
});

describe('docs/protocol/vectors/v3-messages.json', () => {
  const v = protocolVectors('v3-messages.json');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('request messages are byte-exact and sign/verify with SHA256withRSA', () => {
    for (const r of v.requests) {
      const message = buildRequestMessage(r.method, r.url, r.timestamp, r.nonce, r.body);
      if (r.bytes) expect(Buffer.byteLength(message)).toBe(r.bytes);
      expect(sha256(message), r.name).toBe(r.sha256);
      const signature = sign('sha256', Buffer.from(message), privateKey);
      expect(verify('sha256', Buffer.from(message), publicKey, signature)).toBe(true);
    }
  });

  it('answer/notification messages and pay-sign messages are byte-exact', () => {
    for (const a of v.answers) {
      expect(sha256(buildVerifyMessage(a.timestamp, a.nonce, a.body)), a.name).toBe(a.sha256);
    }
    for (const p of v.paySign) {
      const message = buildPaySignMessage(p.appId, p.timeStamp, p.nonceStr, p.packageOrPrepayId);
      expect(sha256(message), p.name).toBe(p.sha256);
    }
  });

  it('clock skew: ±300 s passes, 301 s fails', async () => {
    const body = '{}';
    const check = (ts: number) => {
      const signature = sign('sha256', buildVerifyMessage(ts, 'n0nce', body), privateKey).toString(
        'base64',
      );
      return verifyWechatpaySignature({
        headers: {
          'wechatpay-timestamp': String(ts),
          'wechatpay-nonce': 'n0nce',
          'wechatpay-signature': signature,
          'wechatpay-serial': 'PUB_KEY_ID_TEST',
        },
        body: Buffer.from(body),
        nowSeconds: v.clockSkew.now,
        resolveKey: async () => publicKey,
      });
    };
    for (const ts of v.clockSkew.accepted) {
      await expect(check(ts)).resolves.toMatchObject({ timestamp: String(ts) });
    }
    for (const ts of v.clockSkew.refused) await expect(check(ts)).rejects.toThrow();
  });
});
