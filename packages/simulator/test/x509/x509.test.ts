import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createCertificate } from '../../src/x509/create-certificate.js';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
/** A new key pair and a self-signed CA certificate for it. */
const selfSignedCa = (names: {
  commonName: string;
  organization?: string;
  serialNumber?: string;
}) => {
  const keys = rsa();
  const cert = createCertificate({
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    isCa: true,
    ...names,
  });
  return { keys, cert };
};

describe('createCertificate', () => {
  it('builds a self-signed CA that verifies with its own key and reports its serial', () => {
    const { keys: ca, cert } = selfSignedCa({
      commonName: 'wxpay test CA',
      organization: 'wxpay',
      serialNumber: '0a1b2c3d4e5f',
    });
    expect(cert.serialNumber).toBe('A1B2C3D4E5F');
    expect(cert.x509.ca).toBe(true);
    expect(cert.x509.verify(ca.publicKey)).toBe(true);
    expect(cert.x509.subject).toContain('CN=wxpay test CA');
  });

  it('issues leaf certificates a TLS server and client accept (mutual TLS on 127.0.0.1)', async () => {
    const { keys: caKeys, cert: ca } = selfSignedCa({ commonName: 'CA' });
    // A new key pair and its certificate issued by the CA.
    const issue = (commonName: string, altNames?: string[]) => {
      const keys = rsa();
      const issuer = { issuerKey: caKeys.privateKey, issuerCertificate: ca.pem };
      const names = altNames ? { commonName, altNames } : { commonName };
      return { keys, cert: createCertificate({ publicKey: keys.publicKey, ...issuer, ...names }) };
    };
    const { keys: serverKeys, cert: server } = issue('localhost', ['localhost', '127.0.0.1']);
    const { keys: clientKeys, cert: client } = issue('1900000109');
    expect(server.x509.checkIssued(ca.x509)).toBe(true);
    expect(client.x509.verify(caKeys.publicKey)).toBe(true);

    const https = createServer(
      {
        key: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        cert: server.pem,
        ca: ca.pem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.end(peer.subject?.CN ?? 'none');
      },
    );
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    const { port } = https.address() as AddressInfo;
    const agent = new Agent({
      connect: {
        ca: ca.pem,
        cert: client.pem,
        key: clientKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      },
    });
    try {
      const res = await request(`https://127.0.0.1:${port}/`, { dispatcher: agent });
      expect(await res.body.text()).toBe('1900000109');
      const noCert = new Agent({ connect: { ca: ca.pem } });
      await expect(request(`https://127.0.0.1:${port}/`, { dispatcher: noCert })).rejects.toThrow();
      await noCert.close();
    } finally {
      await agent.close();
      https.close();
    }
  });
});
