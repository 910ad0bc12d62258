import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { ConfigError, type LogEvent, SignatureVerificationError } from '@wxpay/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client, type V3ClientConfig } from '../src/index.js';
import { FakeWechat } from './support/fake-wechat.js';
import { makeTestKeys, platformIdentity } from './support/test-keys.js';

const keys = makeTestKeys();
const MCH = '1900000001';
let server: FakeWechat;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const clients: V3Client[] = [];

const TRANSACTION = { out_trade_no: 'ORDER_000001', trade_state: 'NOTPAY' };

function makeClient(overrides: Partial<V3ClientConfig> = {}): V3Client {
  const client = createV3Client({
    mchId: MCH,
    appId: 'wx8888888888888888',
    privateKey: keys.merchant.privateKey,
    certificateSerial: keys.merchant.serial,
    apiV3Key: keys.apiV3Key,
    notifyUrl: 'https://merchant.example.com/notify',
    baseUrl: server.url,
    clock,
    retry: { maxAttempts: 1 },
    ...overrides,
  });
  clients.push(client);
  return client;
}
const downloads = () => server.requests.filter((r) => r.path === '/v3/certificates').length;
const query = (c: V3Client) => c.queryOrder({ outTradeNo: 'ORDER_000001' });

beforeAll(async () => {
  server = await new FakeWechat(keys).start();
  server.now = () => Math.floor(clock.now() / 1000);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});
beforeEach(() => {
  offsetMs = 0;
  server.routes.clear();
  server.requests.length = 0;
  server.certificates = [keys.platformA];
  server.signer = keys.platformA;
  server.certificatesStatus = undefined;
  server.certificatesErrorCode = undefined;
  server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({ status: 200, body: TRANSACTION }));
});

describe('platform certificates', () => {
  it('downloads, decrypts and indexes them; refreshCertificates lists them', async () => {
    server.certificates = [keys.platformA, keys.platformB];
    const client = makeClient();
    const certs = await client.refreshCertificates();
    expect(certs.map((c) => c.serial).sort()).toEqual(
      [keys.platformA.serial, keys.platformB.serial].sort(),
    );
    expect(certs[0]!.pem).toContain('BEGIN CERTIFICATE');
    expect(server.requests[0]!.authorized).toBe(true);
  });

  it('rotation: the server signs with a new certificate; the client fetches once and goes on', async () => {
    const client = makeClient();
    await query(client);
    expect(downloads()).toBe(1);
    server.certificates = [keys.platformA, keys.platformB];
    server.signer = keys.platformB;
    await expect(query(client)).resolves.toMatchObject({ state: 'NOTPAY' });
    expect(downloads()).toBe(2);
    await query(client);
    await query(client);
    expect(downloads()).toBe(2);
    expect(server.requests.at(-1)!.headers['wechatpay-serial']).toBeDefined();
  });

  it('a failed refresh keeps the old certificates, is logged, and is rate-limited', async () => {
    const events: LogEvent[] = [];
    const client = makeClient({ logger: (e) => events.push(e) });
    await query(client);
    server.certificatesStatus = 500;
    server.on('GET /v3/pay/transactions/out-trade-no/ORDER_BYNEWCERT', () => ({
      status: 200,
      body: { out_trade_no: 'ORDER_BYNEWCERT', trade_state: 'SUCCESS' },
      signer: keys.platformB,
    }));
    const err = await client.queryOrder({ outTradeNo: 'ORDER_BYNEWCERT' }).catch((e: unknown) => e);
    expect(SignatureVerificationError.isInstance(err)).toBe(true);
    expect(downloads()).toBe(2);
    expect(
      events.some((e) => e.level === 'warn' && /refresh failed; keeping the 1/.test(e.message)),
    ).toBe(true);
    // The old certificate still verifies.
    await expect(query(client)).resolves.toMatchObject({ state: 'NOTPAY' });
    // Another unknown serial within the interval does not hit /v3/certificates again.
    await expect(client.queryOrder({ outTradeNo: 'ORDER_BYNEWCERT' })).rejects.toThrow(
      SignatureVerificationError,
    );
    expect(downloads()).toBe(2);
    // After the interval, and with the server healthy, the new certificate is fetched.
    offsetMs = 61_000;
    server.certificatesStatus = undefined;
    server.certificates = [keys.platformA, keys.platformB];
    await expect(client.queryOrder({ outTradeNo: 'ORDER_BYNEWCERT' })).resolves.toMatchObject({
      state: 'SUCCESS',
    });
    expect(downloads()).toBe(3);
  });

  it('certificate serials match case-insensitively and without leading zeros', async () => {
    const client = makeClient();
    for (const serialHeader of [
      keys.platformA.serial.toLowerCase(),
      `00${keys.platformA.serial}`,
    ]) {
      server.routes.clear();
      server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
        status: 200,
        body: TRANSACTION,
        serialHeader,
      }));
      await expect(query(client)).resolves.toMatchObject({ state: 'NOTPAY' });
    }
    expect(downloads()).toBe(1);
  });

  it('concurrent calls share one download', async () => {
    const client = makeClient();
    await Promise.all([query(client), query(client), query(client), query(client)]);
    expect(downloads()).toBe(1);
  });

  it('RESOURCE_NOT_EXISTS → ConfigError telling to configure the public key', async () => {
    server.certificatesErrorCode = 'RESOURCE_NOT_EXISTS';
    const err = await query(makeClient()).catch((e: unknown) => e);
    expect(ConfigError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /uses the WeChat Pay public key; configure wechatpayPublicKey/,
    );
  });

  it('the certificates response itself must verify with a certificate it contains', async () => {
    server.on('GET /v3/certificates', () => ({
      status: 200,
      body: server.certificatesBody(),
      tamper: 'signature',
    }));
    await expect(query(makeClient())).rejects.toThrow(SignatureVerificationError);
    server.routes.delete('GET /v3/certificates');
    // Signed by a key that is not in the list: refused.
    server.on('GET /v3/certificates', () => ({
      status: 200,
      body: server.certificatesBody(),
      signer: keys.platformB,
    }));
    await expect(makeClient().refreshCertificates()).rejects.toThrow(
      /no WeChat Pay public key or platform certificate/,
    );
  });

  it('a certificate whose serial_no does not match its content is refused', async () => {
    server.on('GET /v3/certificates', () => {
      const body = server.certificatesBody() as { data: { serial_no: string }[] };
      body.data[0]!.serial_no = 'ABCDEF';
      return { status: 200, body };
    });
    await expect(makeClient().refreshCertificates()).rejects.toThrow(/does not match/);
  });

  it('an expired certificate is not trusted', async () => {
    const expired = platformIdentity(keys.platformA, {
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    server.certificates = [expired];
    server.signer = expired;
    await expect(query(makeClient())).rejects.toThrow(SignatureVerificationError);
  });

  it('refreshes in the background when the newest certificate nears expiry', async () => {
    const expiring = platformIdentity(keys.platformA, {
      notAfter: new Date(Date.now() + 3600_000),
    });
    server.certificates = [expiring];
    server.signer = expiring;
    const client = makeClient();
    await query(client);
    expect(downloads()).toBe(1);
    offsetMs = 61_000;
    await query(client);
    for (let i = 0; i < 300 && downloads() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(downloads()).toBe(2);
  });
});

describe('sensitive fields', () => {
  it('encrypts with the platform certificate and returns its serial', async () => {
    server.certificates = [keys.platformA];
    const client = makeClient();
    const { ciphertext, serial } = await client.encryptSensitive('张三');
    expect(serial).toBe(keys.platformA.serial);
    const plain = privateDecrypt(
      {
        key: keys.platformA.privateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha1',
      },
      Buffer.from(ciphertext, 'base64'),
    );
    expect(plain.toString()).toBe('张三');
  });

  it('prefers the public key in public-key mode; decrypts with the merchant key', async () => {
    const client = makeClient({
      wechatpayPublicKey: { id: keys.publicKey.serial, key: keys.publicKey.publicKey },
    });
    const { ciphertext, serial } = await client.encryptSensitive('13800138000');
    expect(serial).toBe(keys.publicKey.serial);
    expect(
      privateDecrypt(
        {
          key: keys.publicKey.privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha1',
        },
        Buffer.from(ciphertext, 'base64'),
      ).toString(),
    ).toBe('13800138000');
    const down = publicEncrypt(
      { key: keys.merchant.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from('李四'),
    ).toString('base64');
    expect(client.decryptSensitive(down)).toBe('李四');
    expect(downloads()).toBe(0);
  });

  it('a raw request carries the Wechatpay-Serial of the encryption key', async () => {
    server.on('POST /v3/profitsharing/receivers/add', () => ({ status: 200, body: { ok: true } }));
    const client = makeClient({
      wechatpayPublicKey: { id: keys.publicKey.serial, key: keys.publicKey.publicKey },
    });
    const { ciphertext, serial } = await client.encryptSensitive('王五');
    const res = await client.request<{ ok: boolean }>({
      method: 'POST',
      path: '/v3/profitsharing/receivers/add',
      body: { name: ciphertext },
      headers: { 'Wechatpay-Serial': serial },
    });
    expect(res).toMatchObject({ status: 200, data: { ok: true } });
    expect(server.requests.at(-1)!.headers['wechatpay-serial']).toBe(serial);
    expect(server.requests.at(-1)!.authorized).toBe(true);
  });
});
