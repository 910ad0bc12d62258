import { generateKeyPairSync } from 'node:crypto';
import { DecryptionError, ValidationError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { decryptAesGcm, encryptAesGcm } from '../../src/crypto/aes-gcm.js';
import { decryptOaep, encryptOaep } from '../../src/crypto/rsa-oaep.js';

const KEY = '0123456789abcdefghijklmnopqrstuv';
const PLAINTEXT =
  '{"out_trade_no":"1217752501201407033233368018","transaction_id":"4200000215201811190261405420","trade_state":"SUCCESS","success_time":"2018-06-08T10:34:56+08:00","amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}';
const CIPHERTEXT =
  'kdUw5hwyZ7EmqIvJoZVgiwftZn84EGM+dIgKjZu2QD9ynHFiOdvTTO/xp9fKQ47L7mGOwQr6VuiyGIWGgOBVSDq0CmK16v6yUSVB2r8BPPkLZeF9RQbFNFe9fTPIczciOEh65JUbNqgIq/lL0K8rLaivQBipo5pxfReyl/eNYH5YXvFSaMrBAbgaxuHs2lPN96Ym4Vbb+4V9uMgEs3uSdp8TEeNdHJ3D5mukewtBftitIh6oF2EEsN0Ux6e0GgxBxawYqhH4/0Wwdf6kfilY2kMnYpj2ETgCtjnaaeCEImLfNrwZK596/zQWpD4QjeKsA54xmN/Y1/lxeELGguxgSoV88g==';
const resource = { nonce: 'fdasflkja484', ciphertext: CIPHERTEXT, associatedData: 'transaction' };

describe('AEAD_AES_256_GCM (TV7)', () => {
  it('decrypts the vector and encrypts it back', () => {
    expect(decryptAesGcm(KEY, resource).toString('utf8')).toBe(PLAINTEXT);
    expect(encryptAesGcm(KEY, 'fdasflkja484', PLAINTEXT, 'transaction')).toBe(CIPHERTEXT);
    expect(Buffer.from(CIPHERTEXT, 'base64').subarray(-16).toString('hex')).toBe(
      '98dfd8d7f9717842c682ec604a857cf2',
    );
  });

  it('empty associated data vector', () => {
    expect(encryptAesGcm(KEY, '0123456789ab', 'hello')).toBe('iZX97Qcn8SmNvHFE9JAaaFu7/54b');
    expect(
      decryptAesGcm(KEY, {
        nonce: '0123456789ab',
        ciphertext: 'iZX97Qcn8SmNvHFE9JAaaFu7/54b',
      }).toString(),
    ).toBe('hello');
  });

  it('tampered tag, tampered data, wrong AAD, wrong key, 11-byte nonce: DecryptionError', () => {
    const bytes = Buffer.from(CIPHERTEXT, 'base64');
    const tag = Buffer.from(bytes);
    tag[tag.length - 1] = (tag[tag.length - 1] ?? 0) ^ 1;
    const data = Buffer.from(bytes);
    data[5] = (data[5] ?? 0) ^ 1;
    const cases = [
      { ...resource, ciphertext: tag.toString('base64') },
      { ...resource, ciphertext: data.toString('base64') },
      { ...resource, associatedData: 'transactioN' },
      { ...resource, associatedData: undefined },
      { ...resource, nonce: 'fdasflkja48' },
      { ...resource, nonce: 'fdasflkja4845' },
      { ...resource, ciphertext: 'AAAA' },
      { ...resource, ciphertext: '***' },
    ];
    for (const c of cases) expect(() => decryptAesGcm(KEY, c)).toThrow(DecryptionError);
    expect(() => decryptAesGcm('0123456789abcdefghijklmnopqrstuV', resource)).toThrow(
      DecryptionError,
    );
    expect(() => decryptAesGcm('short', resource)).toThrow(/32 bytes/);
  });

  it('never puts the key in the error', () => {
    try {
      decryptAesGcm(KEY, { ...resource, associatedData: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(KEY);
      expect(String((error as Error).message)).not.toContain(KEY);
      expect((error as Error).cause).toBeUndefined();
    }
  });
});

describe('RSA-OAEP sensitive fields', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  it('round-trips and enforces the 214-byte limit', () => {
    const c = encryptOaep(publicKey, '张三');
    expect(decryptOaep(privateKey, c)).toBe('张三');
    expect(() => encryptOaep(publicKey, 'x'.repeat(215))).toThrow(ValidationError);
    expect(decryptOaep(privateKey, encryptOaep(publicKey, 'x'.repeat(214)))).toHaveLength(214);
    expect(() => decryptOaep(privateKey, 'AAAA')).toThrow(DecryptionError);
  });
});
