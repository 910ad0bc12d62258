import { generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { randomNonce } from '@wxpay/core';
import { randomDigits, randomHex } from './ids.js';
import { createCertificate } from './x509/index.js';

const generate = promisify(generateKeyPair);

/** An RSA-2048 key pair as KeyObjects. */
export interface RsaKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** Generates an RSA-2048 key pair on the libuv threadpool (several run in parallel). */
export async function rsaKeyPair(): Promise<RsaKeyPair> {
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 2048 });
  return { publicKey, privateKey };
}

/** A 40-hex-digit serial without a leading zero, like WeChat Pay certificate serials. */
export function newSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x60);
  return bytes.toString('hex').toUpperCase();
}

/** A key the simulator signs v3 answers with: a platform certificate's or the public key's. */
export interface SigningKey {
  readonly kind: 'certificate' | 'public-key';
  /** Certificate serial (uppercase hex) or `PUB_KEY_ID_…`. */
  readonly serial: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PEM certificate (certificate keys only). */
  readonly certificatePem?: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/** Issues a platform certificate valid from `nowMs - 1 min` for five years. */
export function platformCertificate(keys: RsaKeyPair, nowMs: number): SigningKey {
  const notBefore = nowMs - 60_000;
  const notAfter = nowMs + 5 * 365 * 24 * 3600_000;
  const cert = createCertificate({
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    commonName: 'Tenpay.com Root CA',
    organization: 'Tenpay.com',
    serialNumber: newSerial(),
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
  });
  return {
    kind: 'certificate',
    serial: cert.serialNumber,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    certificatePem: cert.pem,
    notBefore,
    notAfter,
  };
}

/** Test credentials of the simulated merchant, usable by both protocols. */
export interface SimulatorMerchant {
  /** Merchant id (`mch_id` / `mchid`). */
  readonly mchId: string;
  /** App id (`appid`). */
  readonly appId: string;
  /** v2 API key, 32 characters. */
  readonly apiKey: string;
  /** APIv3 key, 32 characters. */
  readonly apiV3Key: string;
  /** Merchant API private key, PKCS#8 PEM. */
  readonly privateKey: string;
  /** Merchant API certificate, PEM. */
  readonly certificate: string;
  /** Merchant API certificate serial, uppercase hex. */
  readonly certificateSerial: string;
  /** The WeChat Pay public key (public-key trust mode). */
  readonly wechatpayPublicKey: { readonly id: string; readonly key: string };
  /** The platform certificates currently listed by `/v3/certificates`, oldest first. */
  readonly platformCertificates: readonly PlatformCertificate[];
}

/** A platform certificate: its serial (as `Wechatpay-Serial` names it) and its PEM. */
export interface PlatformCertificate {
  /** Uppercase hex, without leading zeros. */
  readonly serial: string;
  readonly pem: string;
}

/** Everything generated at start: the merchant's view plus the simulator's private keys. */
export interface GeneratedCredentials {
  readonly mchId: string;
  readonly appId: string;
  readonly apiKey: string;
  readonly apiV3Key: string;
  readonly merchantKeys: RsaKeyPair;
  readonly merchantCertificate: string;
  readonly merchantSerial: string;
  readonly publicKey: SigningKey;
  readonly platform: SigningKey;
  /** Present in TLS mode: the CA that issued the server and merchant certificates. */
  readonly tls?: {
    readonly caCertificate: string;
    readonly serverKey: string;
    readonly serverCertificate: string;
  };
}

/**
 * Generates the merchant key, the platform certificate key and the public-key key in parallel;
 * with `tls`, also a CA and a server key, and the merchant certificate is issued by that CA
 * (so it can authenticate `/secapi/*` calls over mutual TLS).
 */
export async function generateCredentials(
  nowMs: number,
  tls = false,
): Promise<GeneratedCredentials> {
  const [merchantKeys, platformKeys, publicKeyKeys, caKeys, serverKeys] = await Promise.all([
    rsaKeyPair(),
    rsaKeyPair(),
    rsaKeyPair(),
    ...(tls ? [rsaKeyPair(), rsaKeyPair()] : []),
  ]);
  const mchId = `19${randomDigits(8)}`;
  const validity = {
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + 5 * 365 * 24 * 3600_000),
  };
  const ca =
    caKeys &&
    createCertificate({
      publicKey: caKeys.publicKey,
      issuerKey: caKeys.privateKey,
      commonName: 'wxpay simulator CA',
      organization: 'wxpay simulator',
      isCa: true,
      ...validity,
    });
  const merchantCert = createCertificate({
    publicKey: merchantKeys.publicKey,
    issuerKey: caKeys?.privateKey ?? merchantKeys.privateKey,
    ...(ca ? { issuerCertificate: ca.pem } : {}),
    commonName: mchId,
    organization: 'wxpay simulator merchant',
    serialNumber: newSerial(),
    ...validity,
  });
  const tlsMaterial =
    ca && caKeys && serverKeys
      ? {
          caCertificate: ca.pem,
          serverKey: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          serverCertificate: createCertificate({
            publicKey: serverKeys.publicKey,
            issuerKey: caKeys.privateKey,
            issuerCertificate: ca.pem,
            commonName: 'localhost',
            altNames: ['localhost', '127.0.0.1', '::1'],
            ...validity,
          }).pem,
        }
      : undefined;
  return {
    mchId,
    appId: `wx${randomHex(16)}`,
    apiKey: randomNonce(32),
    apiV3Key: randomNonce(32),
    merchantKeys,
    merchantCertificate: merchantCert.pem,
    merchantSerial: merchantCert.serialNumber,
    publicKey: {
      kind: 'public-key',
      serial: `PUB_KEY_ID_01${randomDigits(26)}`,
      privateKey: publicKeyKeys.privateKey,
      publicKey: publicKeyKeys.publicKey,
      notBefore: nowMs,
      notAfter: Number.POSITIVE_INFINITY,
    },
    platform: platformCertificate(platformKeys, nowMs),
    ...(tlsMaterial ? { tls: tlsMaterial } : {}),
  };
}
