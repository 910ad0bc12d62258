import { createCipheriv, createHash, randomBytes } from 'node:crypto';

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 12-character nonce for AEAD_AES_256_GCM (WeChat sends printable nonces). */
export function gcmNonce(): string {
  let out = '';
  for (const b of randomBytes(12)) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

/** The v3 `encrypt_certificate` / notification `resource` shape. */
export interface EncryptedResource {
  readonly algorithm: 'AEAD_AES_256_GCM';
  readonly nonce: string;
  readonly associated_data: string;
  readonly ciphertext: string;
}

/** docs/protocol/v3.md: AES-256-GCM under the APIv3 key, ciphertext = base64(encrypted || tag). */
export function encryptAeadAes256Gcm(
  apiV3Key: string,
  plaintext: string,
  associatedData: string,
  nonce = gcmNonce(),
): EncryptedResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    nonce,
    associated_data: associatedData,
    ciphertext: body.toString('base64'),
  };
}

/** docs/protocol/v2.md: v2 refund `req_info` = base64(AES-256-ECB(md5hex(API key)), PKCS#7). */
export function encryptReqInfo(apiKey: string, plaintext: string): string {
  const key = Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex'), 'utf8');
  const cipher = createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
