import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConnectionError } from '@wxpay/core';
import { createCertificate } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client } from '../src/index.js';
import { type FakeServer, startFakeV2Server } from './support/fake-v2-server.js';
import { TEST_API_KEY, TEST_APP_ID, TEST_MCH_ID, TEST_MERCHANT } from './support/keys.js';

function rsa(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;

// Keys are generated once for the file: RSA generation is the slow part.
const caKeys = rsa();
const serverKeys = rsa();
const clientKeys = rsa();
const ca = createCertificate({
  publicKey: caKeys.publicKey,
  issuerKey: caKeys.privateKey,
  commonName: 'Test CA',
  isCa: true,
});
const serverCert = createCertificate({
  publicKey: serverKeys.publicKey,
  issuerKey: caKeys.privateKey,
  issuerCertificate: ca.pem,
  commonName: '127.0.0.1',
  altNames: ['127.0.0.1'],
});
const clientCert = createCertificate({
  publicKey: clientKeys.publicKey,
  issuerKey: caKeys.privateKey,
  issuerCertificate: ca.pem,
  commonName: TEST_MCH_ID,
  organization: 'Tenpay.com',
});
// A certificate from a CA the server does not trust.
const rogueCa = createCertificate({
  publicKey: clientKeys.publicKey,
  issuerKey: clientKeys.privateKey,
  commonName: 'Rogue',
  isCa: true,
});

let server: FakeServer;
const clients: V2Client[] = [];

beforeAll(async () => {
  server = await startFakeV2Server({
    ...TEST_MERCHANT,
    tls: {
      key: pem(serverKeys.privateKey),
      cert: serverCert.pem,
      ca: [ca.pem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    routes: {
      '/secapi/pay/refund': (req) => ({
        fields: {
          out_trade_no: req.fields.out_trade_no,
          out_refund_no: req.fields.out_refund_no,
          refund_id: `RID-${req.fields.out_refund_no}`,
          refund_fee: req.fields.refund_fee,
          total_fee: req.fields.total_fee,
        },
      }),
      '/secapi/pay/reverse': () => ({ fields: { recall: 'N' } }),
    },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(certificate: { cert: string; key: string }): V2Client {
  const c = createV2Client({
    appId: TEST_APP_ID,
    mchId: TEST_MCH_ID,
    apiKey: TEST_API_KEY,
    baseUrl: server.url,
    notifyUrl: 'https://merchant.example.com/notify',
    clientCertificate: { ...certificate, ca: ca.pem },
    retry: { maxAttempts: 1 },
  });
  clients.push(c);
  return c;
}

describe('mutual TLS for /secapi', () => {
  it('refunds and reverses over one client-certificate connection pool', async () => {
    const c = client({ cert: clientCert.pem, key: pem(clientKeys.privateKey) });
    const before = server.requests.length;
    const first = await c.refund({
      order: { outTradeNo: 'mtls-0001' },
      outRefundNo: 'R-1',
      amount: { refund: 1, total: 2 },
    });
    // Let undici return the socket to the pool before the next call.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await c.refund({
      order: { outTradeNo: 'mtls-0001' },
      outRefundNo: 'R-2',
      amount: { refund: 1, total: 2 },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reversed = await c.reverseOrder({ outTradeNo: 'mtls-0001' });
    expect(first).toMatchObject({ outRefundNo: 'R-1', refundId: 'RID-R-1', status: 'PROCESSING' });
    expect(second.refundId).toBe('RID-R-2');
    expect(reversed.recall).toBe(false);
    const seen = server.requests.slice(before);
    expect(seen.map((r) => r.clientCertSubject)).toEqual([TEST_MCH_ID, TEST_MCH_ID, TEST_MCH_ID]);
    expect(seen.every((r) => r.signValid)).toBe(true);
    // Keep-alive: the three calls shared one TLS session.
    expect(new Set(seen.map((r) => r.connection)).size).toBe(1);
  });

  it('a certificate the server does not trust fails the handshake with a ConnectionError', async () => {
    const c = client({ cert: rogueCa.pem, key: pem(clientKeys.privateKey) });
    const error = await c
      .refund({
        order: { outTradeNo: 'mtls-0002' },
        outRefundNo: 'R-3',
        amount: { refund: 1, total: 2 },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(TEST_API_KEY);
  });
});
