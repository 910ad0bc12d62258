import {
  createCipheriv,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { createCertificate } from '@wxpay/simulator';

/** A key that signs for WeChat Pay: a platform certificate or the public key. */
export interface SignerIdentity {
  /** Certificate serial (uppercase hex) or `PUB_KEY_ID_…`. */
  readonly serial: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Certificate PEM (platform certificates only). */
  readonly pem?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** Every key a test needs, generated once per file. */
export interface TestKeys {
  readonly merchant: { privateKey: KeyObject; publicKey: KeyObject; serial: string; pem: string };
  readonly platformA: SignerIdentity;
  readonly platformB: SignerIdentity;
  readonly publicKey: SignerIdentity;
  readonly apiV3Key: string;
}

function rsa() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Makes a platform certificate identity for a key pair. */
export function platformIdentity(
  keys: { privateKey: KeyObject; publicKey: KeyObject },
  options: { notBefore?: Date; notAfter?: Date } = {},
): SignerIdentity {
  const cert = createCertificate({
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    commonName: 'Tenpay.com Root CA',
    organization: 'Tenpay.com',
    ...options,
  });
  return {
    serial: cert.serialNumber,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    pem: cert.pem,
    notBefore: new Date(cert.x509.validFrom),
    notAfter: new Date(cert.x509.validTo),
  };
}

/** Generates the merchant key, two platform certificates and a WeChat Pay public key. */
export function makeTestKeys(): TestKeys {
  const merchant = rsa();
  const merchantCert = createCertificate({
    publicKey: merchant.publicKey,
    issuerKey: merchant.privateKey,
    commonName: '1900000001',
  });
  const pub = rsa();
  return {
    merchant: { ...merchant, serial: merchantCert.serialNumber, pem: merchantCert.pem },
    platformA: platformIdentity(rsa()),
    platformB: platformIdentity(rsa()),
    publicKey: { serial: 'PUB_KEY_ID_0119000000012025112300001', ...pub },
    apiV3Key: randomBytes(16).toString('hex'),
  };
}

/** Encrypts like WeChat Pay (independent of the package's own helper). */
export function gcmEncrypt(key: string, nonce: string, aad: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(aad));
  const out = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return out.toString('base64');
}

/** Options of {@link signedHeaders}. */
export interface SignOptions {
  readonly timestamp: number;
  readonly nonce?: string;
  /** Overrides the serial header (the key used is still `signer`'s). */
  readonly serial?: string;
  /** Replaces the signature with a WECHATPAY/SIGNTEST/ probe. */
  readonly probe?: boolean;
}

/** The `Wechatpay-*` headers WeChat Pay would send with `body`. */
export function signedHeaders(
  signer: SignerIdentity,
  body: string | Buffer,
  options: SignOptions,
): Record<string, string> {
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const message = Buffer.concat([
    Buffer.from(`${options.timestamp}\n${nonce}\n`),
    Buffer.from(body),
    Buffer.from('\n'),
  ]);
  const signature = options.probe
    ? `WECHATPAY/SIGNTEST/${randomBytes(32).toString('base64')}`
    : sign('sha256', message, signer.privateKey).toString('base64');
  return {
    'wechatpay-timestamp': String(options.timestamp),
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': options.serial ?? signer.serial,
  };
}

/** A signed, encrypted v3 notification as WeChat Pay would POST it. */
export function buildNotification(
  keys: TestKeys,
  signer: SignerIdentity,
  options: {
    eventType: string;
    resource: Record<string, unknown>;
    timestamp: number;
    id?: string;
    nonce?: string;
    associatedData?: string;
    algorithm?: string;
    apiV3Key?: string;
  },
): { headers: Record<string, string>; body: string } {
  const nonce = options.nonce ?? randomBytes(6).toString('hex');
  const aad =
    options.associatedData ?? (options.eventType.startsWith('REFUND') ? 'refund' : 'transaction');
  const body = JSON.stringify({
    id: options.id ?? `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2025-11-23T10:00:00+08:00',
    event_type: options.eventType,
    resource_type: 'encrypt-resource',
    summary: 'test',
    resource: {
      original_type: options.eventType.startsWith('REFUND') ? 'refund' : 'transaction',
      algorithm: options.algorithm ?? 'AEAD_AES_256_GCM',
      ciphertext: gcmEncrypt(
        options.apiV3Key ?? keys.apiV3Key,
        nonce,
        aad,
        JSON.stringify(options.resource),
      ),
      associated_data: aad,
      nonce,
    },
  });
  return { headers: signedHeaders(signer, body, { timestamp: options.timestamp }), body };
}
