import { constants, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { DecryptionError, ValidationError } from '@wxpay/core';

/** Largest plaintext RSA-2048 OAEP(SHA-1) can carry: 256 − 2·20 − 2 bytes. */
export const MAX_SENSITIVE_PLAINTEXT_BYTES = 214;

/**
 * Encrypts a sensitive request field: base64 RSAES-OAEP (SHA-1, MGF1-SHA-1) with the WeChat
 * Pay public key or a platform certificate's key (docs/protocol/v3.md).
 */
export function encryptOaep(publicKey: KeyObject, plaintext: string): string {
  const data = Buffer.from(plaintext, 'utf8');
  const limit = (publicKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8 - 42;
  if (data.length > limit) {
    throw new ValidationError(
      `sensitive plaintext is ${data.length} bytes, the limit is ${limit}`,
      [{ path: 'plaintext', message: `must be at most ${limit} UTF-8 bytes` }],
    );
  }
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    data,
  ).toString('base64');
}

/** Decrypts a base64 RSAES-OAEP (SHA-1) field with the merchant private key. */
export function decryptOaep(privateKey: KeyObject, ciphertextBase64: string): string {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertextBase64, 'base64'),
    ).toString('utf8');
  } catch {
    throw new DecryptionError('RSA-OAEP decryption failed (wrong key or corrupted ciphertext)');
  }
}
