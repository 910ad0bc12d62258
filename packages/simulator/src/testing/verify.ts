import {
  createDecipheriv,
  createHash,
  createPublicKey,
  verify,
  X509Certificate,
} from 'node:crypto';

// Independent verification code for tests: it shares nothing with the simulator's server side.

/** Verifies a v3 answer's Wechatpay-* signature against a PEM (certificate or SPKI). */
export function verifyV3Answer(
  headers: Record<string, string>,
  body: string,
  pem: string,
): boolean {
  const ts = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const sig = headers['wechatpay-signature'];
  if (!ts || !nonce || !sig) return false;
  const key = pem.includes('CERTIFICATE')
    ? new X509Certificate(pem).publicKey
    : createPublicKey(pem);
  return verify(
    'sha256',
    Buffer.from(`${ts}\n${nonce}\n${body}\n`),
    key,
    Buffer.from(sig, 'base64'),
  );
}

/** Decrypts an AEAD_AES_256_GCM resource. */
export function decryptResource(
  apiV3Key: string,
  r: { nonce: string; associated_data?: string; ciphertext: string },
): string {
  const data = Buffer.from(r.ciphertext, 'base64');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(r.nonce));
  d.setAAD(Buffer.from(r.associated_data ?? ''));
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8');
}

/** Decrypts a v2 refund `req_info`. */
export function decryptReqInfo(apiKey: string, reqInfo: string): string {
  const key = Buffer.from(createHash('md5').update(apiKey).digest('hex'));
  const d = createDecipheriv('aes-256-ecb', key, null);
  return Buffer.concat([d.update(Buffer.from(reqInfo, 'base64')), d.final()]).toString('utf8');
}
