import { createPublicKey, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  bool,
  explicit,
  implicit,
  nullValue,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './der.js';

/** Options of {@link createCertificate}. */
export interface CreateCertificateOptions {
  /** The subject's key pair: the public half goes into the certificate. */
  readonly publicKey: KeyObject;
  /** Subject common name. */
  readonly commonName: string;
  /** Subject organisation (WeChat Pay puts the merchant id / "Tenpay.com" here). */
  readonly organization?: string;
  /** The issuer's private key; the certificate is self-signed when no issuer is given. */
  readonly issuerKey: KeyObject;
  /** The issuer's certificate (PEM); omit for a self-signed certificate. */
  readonly issuerCertificate?: string;
  /** Serial number as hex (default: 16 random bytes). */
  readonly serialNumber?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Marks the certificate as a CA that may sign others. */
  readonly isCa?: boolean;
  /** DNS names and IP addresses for subjectAltName (TLS servers). */
  readonly altNames?: readonly string[];
}

/** A generated certificate. */
export interface GeneratedCertificate {
  /** PEM text. */
  readonly pem: string;
  /** Serial number, uppercase hex without leading zeros (as WeChat Pay shows it). */
  readonly serialNumber: string;
  readonly x509: X509Certificate;
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), nullValue());

function name(commonName: string, organization?: string): Buffer {
  const rdns = [set(sequence(oid('2.5.4.3'), utf8String(commonName)))];
  if (organization) rdns.unshift(set(sequence(oid('2.5.4.10'), utf8String(organization))));
  return sequence(...rdns);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" then pack eight 16-bit groups.
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

/**
 * Builds and signs an X.509 v3 certificate (SHA256withRSA) with node:crypto only.
 * The simulator uses it for platform certificates and TLS; tests use it for mutual TLS.
 */
export function createCertificate(options: CreateCertificateOptions): GeneratedCertificate {
  const serialHex = options.serialNumber ?? randomBytes(16).toString('hex');
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = name(options.commonName, options.organization);
  const issuer = options.issuerCertificate
    ? Buffer.from(
        // The issuer's subject DER, taken from its certificate so the chain links exactly.
        extractSubject(new X509Certificate(options.issuerCertificate).raw),
      )
    : subject;
  const publicKey =
    options.publicKey.type === 'public' ? options.publicKey : createPublicKey(options.publicKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });

  const extensions: Buffer[] = [
    sequence(
      oid('2.5.29.19'),
      bool(true),
      octetString(sequence(...(options.isCa ? [bool(true)] : []))),
    ),
    sequence(
      oid('2.5.29.15'),
      bool(true),
      // keyUsage: CA → keyCertSign|cRLSign; leaf → digitalSignature|keyEncipherment.
      octetString(
        options.isCa ? tlv(0x03, Buffer.from([1, 0x06])) : tlv(0x03, Buffer.from([5, 0xa0])),
      ),
    ),
  ];
  if (options.altNames?.length) {
    const names = options.altNames.map((n) =>
      isIP(n) ? implicit(7, ipBytes(n)) : implicit(2, Buffer.from(n, 'ascii')),
    );
    extensions.push(sequence(oid('2.5.29.17'), octetString(sequence(...names))));
  }

  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex')),
    SHA256_WITH_RSA,
    issuer,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, options.issuerKey);
  const der = sequence(tbs, SHA256_WITH_RSA, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const x509 = new X509Certificate(pem);
  return { pem, serialNumber: x509.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''), x509 };
}

// Walks the outer DER of a certificate to the subject field of its TBSCertificate.
function extractSubject(der: Buffer): Buffer {
  const read = (buf: Buffer, offset: number): { start: number; end: number; headerEnd: number } => {
    const lenByte = buf[offset + 1] ?? 0;
    let length = lenByte;
    let headerEnd = offset + 2;
    if (lenByte & 0x80) {
      const n = lenByte & 0x7f;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + (buf[offset + 2 + i] ?? 0);
      headerEnd += n;
    }
    return { start: offset, headerEnd, end: headerEnd + length };
  };
  const cert = read(der, 0);
  const tbs = read(der, cert.headerEnd);
  let field = read(der, tbs.headerEnd); // [0] version
  const skip = [1, 2, 3, 4, 5]; // serial, signature alg, issuer, validity, subject
  for (const _ of skip) field = read(der, field.end);
  return der.subarray(field.start, field.end);
}
