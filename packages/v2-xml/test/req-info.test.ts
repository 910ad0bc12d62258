import { DecryptionError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { decryptReqInfo, encryptReqInfo, reqInfoKey } from '../src/index.js';
import { TEST_API_KEY } from './support/keys.js';

const TV6A_PLAIN =
  '<root><out_refund_no><![CDATA[R20181119001]]></out_refund_no><refund_fee>100</refund_fee><refund_status><![CDATA[SUCCESS]]></refund_status><success_time><![CDATA[2018-11-19 16:24:13]]></success_time></root>';
const TV6A_CIPHER =
  'WBzGpzQuNpcFxIlFjUUD9BfnwwNUlVAs7bwvgHME4/S2AVM5OvCppDjNK+klPw6EEzEQIOaZs9EYO4DOrifmCbZD2TqMpGct73JhTUfEet71DRR2qga6+piJfdSslUFWO4IjcxkOPHxZ7r2PkjvgWqsXkIiJGjgTDdfVHsNj2XvdyByqmbd4WOJ6FLjEH0yVhkNRwqlTc8F/3q+dAt3Yt2A+mdTzFguzKIcMWkbESMoIJN/bzvZuGy+/gMi/X6jVBV2F9hfF72Lc0/+03kllfg==';
const TV6B_PLAIN = '<root><x>0123456789AB</x></root>';
const TV6B_CIPHER = 'qWSP/AmV5MsDgjykbZp7lxhjOJFgx5+zF24oIgLcHrL8FwHdn1b8mVD7gqiUcnLp';

describe('refund req_info (TV6)', () => {
  const key = reqInfoKey(TEST_API_KEY);

  it('derives the key as lower-hex md5 of the API key', () => {
    expect(key.toString('ascii')).toBe('d96eb16afdd491fa1e705096edbc2205');
  });

  it('TV6a: decrypts and encrypts the known vector', () => {
    expect(decryptReqInfo(TV6A_CIPHER, key)).toBe(TV6A_PLAIN);
    expect(encryptReqInfo(TV6A_PLAIN, key)).toBe(TV6A_CIPHER);
  });

  it('TV6b: a block-aligned plaintext gets a full padding block', () => {
    expect(encryptReqInfo(TV6B_PLAIN, key)).toBe(TV6B_CIPHER);
    expect(Buffer.from(TV6B_CIPHER, 'base64').subarray(32).toString('hex')).toBe(
      'fc1701dd9f56fc9950fb82a8947272e9',
    );
    expect(decryptReqInfo(TV6B_CIPHER, key)).toBe(TV6B_PLAIN);
  });

  it.each([
    ['a wrong key', TV6A_CIPHER, reqInfoKey('0'.repeat(32))],
    ['a truncated ciphertext', TV6A_CIPHER.slice(0, 40), key],
    ['not base64', '!!!!', key],
    ['empty', '', key],
    ['a flipped last block', `${TV6B_CIPHER.slice(0, 44)}AAAAAAAAAAAAAAAAAAAA`, key],
  ])('rejects %s with DecryptionError', (_name, cipher, k) => {
    expect(() => decryptReqInfo(cipher, k)).toThrow(DecryptionError);
  });
});
