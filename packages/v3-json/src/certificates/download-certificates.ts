import { X509Certificate } from 'node:crypto';
import {
  ApiError,
  type CallOptions,
  ConfigError,
  ResponseValidationError,
  SignatureVerificationError,
} from '@wxpay/core';
import { decryptAesGcm } from '../crypto/aes-gcm.js';
import type { V3Requester } from '../request.js';
import { decodeWire, parseJson } from '../schemas/decode-wire.js';
import { certificatesResponseSchema } from '../schemas/misc.js';
import { normalizeSerial, type PlatformCertificate, type TrustStore } from './trust-store.js';

/**
 * Downloads `GET /v3/certificates`, decrypts each certificate (AEAD_AES_256_GCM, associated
 * data `certificate`), parses it, and only then verifies the response's own signature with
 * the certificate it names (or a key already trusted) — docs/protocol/v3.md.
 * `RESOURCE_NOT_EXISTS` means the merchant is on the WeChat Pay public key.
 */
export async function downloadCertificates(
  requester: V3Requester,
  apiV3Key: string | Uint8Array,
  store: TrustStore,
  now: () => number,
  options: CallOptions = {},
): Promise<PlatformCertificate[]> {
  // Decoded inside the key resolver, which runs after the header, time-window and probe
  // checks and before the signature check: the certificates must be decrypted to know the key.
  let received: PlatformCertificate[] | undefined;
  try {
    await requester.send(
      {
        method: 'GET',
        path: '/v3/certificates',
        context: 'other',
        idempotent: true,
        resolveKey: async (serial, body) => {
          received = decodeCertificates(body, apiV3Key);
          if (serial.startsWith('PUB_KEY_ID_')) return store.lookup(serial);
          const wanted = normalizeSerial(serial);
          const nowMs = now();
          const found = received.find(
            (c) =>
              c.serial === wanted &&
              c.notBefore.getTime() <= nowMs &&
              nowMs <= c.notAfter.getTime(),
          );
          return found?.publicKey ?? store.lookup(serial);
        },
      },
      options,
    );
  } catch (error) {
    if (ApiError.isInstance(error) && error.code.replace(/_/g, '') === 'RESOURCENOTEXISTS') {
      throw new ConfigError(
        `GET /v3/certificates answered RESOURCE_NOT_EXISTS${error.requestId ? ` (Request-ID ${error.requestId})` : ''}: this merchant uses the WeChat Pay public key; configure wechatpayPublicKey (id PUB_KEY_ID_… and the public key from the merchant console)`,
        [{ path: 'wechatpayPublicKey', message: 'required for this merchant' }],
      );
    }
    throw error;
  }
  if (!received) throw new SignatureVerificationError('certificates response was not verified');
  return received;
}

/** Decrypts and parses the certificates of a `/v3/certificates` body. */
export function decodeCertificates(
  body: string | Uint8Array,
  apiV3Key: string | Uint8Array,
): PlatformCertificate[] {
  const wire = decodeWire(
    certificatesResponseSchema,
    parseJson(body, 'certificates'),
    'certificates',
  );
  return wire.data.map((item) => {
    const resource = item.encrypt_certificate;
    if (resource.algorithm !== 'AEAD_AES_256_GCM') {
      throw new ResponseValidationError(`unsupported certificate encryption ${resource.algorithm}`);
    }
    const pem = decryptAesGcm(apiV3Key, {
      nonce: resource.nonce,
      ciphertext: resource.ciphertext,
      associatedData: resource.associated_data,
    }).toString('utf8');
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(pem);
    } catch {
      throw new ResponseValidationError('a downloaded platform certificate is not valid X.509');
    }
    const serial = normalizeSerial(x509.serialNumber);
    if (serial !== normalizeSerial(item.serial_no)) {
      throw new SignatureVerificationError(
        `platform certificate serial ${item.serial_no} does not match its content`,
      );
    }
    return {
      serial,
      publicKey: x509.publicKey,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      pem,
    };
  });
}
