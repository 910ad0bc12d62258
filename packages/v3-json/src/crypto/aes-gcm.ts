import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DecryptionError } from '@wxpay/core';

const TAG_BYTES = 16;
const NONCE_BYTES = 12;

/** An `AEAD_AES_256_GCM` encrypted resource as WeChat Pay sends it (camelCase). */
export interface GcmResource {
  /** The 12-character nonce string. */
  readonly nonce: string;
  /** Base64 of ciphertext followed by the 16-byte tag. */
  readonly ciphertext: string;
  /** Additional authenticated data; absent means empty. */
  readonly associatedData?: string | undefined;
}

/**
 * Decrypts and authenticates an `AEAD_AES_256_GCM` resource with the APIv3 key
 * (docs/protocol/v3.md). Any failure (key length, nonce length, tag, AAD) is a
 * {@link DecryptionError}; no plaintext is returned unless the tag verifies.
 */
export function decryptAesGcm(apiV3Key: string | Uint8Array, resource: GcmResource): Buffer {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key;
  if (key.length !== 32) throw new DecryptionError('the APIv3 key must be 32 bytes');
  const iv = Buffer.from(resource.nonce, 'utf8');
  if (iv.length !== NONCE_BYTES) {
    throw new DecryptionError(`the GCM nonce must be ${NONCE_BYTES} bytes, got ${iv.length}`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(resource.ciphertext)) {
    throw new DecryptionError('the ciphertext is not base64');
  }
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < TAG_BYTES) throw new DecryptionError('the ciphertext is shorter than a tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    decipher.setAAD(Buffer.from(resource.associatedData ?? '', 'utf8'));
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    // The cause is dropped on purpose: it adds nothing and must never carry key material.
    throw new DecryptionError(
      'AEAD_AES_256_GCM authentication failed (wrong APIv3 key, associated data or tampered data)',
    );
  }
}

/**
 * Encrypts like WeChat Pay does (base64 of ciphertext‖tag). The client never needs it; it is
 * exported for merchants' own tests and local tooling.
 */
export function encryptAesGcm(
  apiV3Key: string | Uint8Array,
  nonce: string,
  plaintext: string | Uint8Array,
  associatedData = '',
): string {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key;
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([
    cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
    cipher.final(),
  ]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}
