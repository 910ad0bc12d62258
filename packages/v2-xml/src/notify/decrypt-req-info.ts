import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { DecryptionError } from '@wxpay/core';

/** The refund-notification key: lower-hex md5 of the API key, used as 32 ASCII bytes. */
export function reqInfoKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex'), 'ascii');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decrypts a refund notification's `req_info` (base64, AES-256-ECB, PKCS#7; docs/protocol/v2.md).
 * Any failure (bad base64, wrong length, bad padding) is a {@link DecryptionError}.
 */
export function decryptReqInfo(reqInfo: string, key: Buffer): string {
  const compact = reqInfo.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new DecryptionError('req_info is not base64');
  const data = Buffer.from(compact, 'base64');
  // Only the canonical encoding: the unused low bits of the last base64 digit would otherwise
  // let a changed message decrypt to the same plaintext.
  if (data.toString('base64') !== compact) throw new DecryptionError('req_info is not base64');
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new DecryptionError('req_info length is not a multiple of the AES block size');
  }
  try {
    const decipher = createDecipheriv('aes-256-ecb', key, null);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    // ECB carries no MAC: a changed ciphertext block decrypts to 16 random bytes. Decoding
    // strictly (and the XML parser refusing control characters) turns those into errors.
    return strictUtf8.decode(plain);
  } catch {
    // The cipher's message can hint at padding details; callers only need "does not decrypt".
    throw new DecryptionError('req_info does not decrypt with the configured API key');
  }
}

/** Encrypts `req_info` as WeChat Pay does (for tests and simulators). */
export function encryptReqInfo(plaintext: string, key: Buffer): string {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
