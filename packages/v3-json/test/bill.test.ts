import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { OrderNotFoundError, ResponseValidationError, ValidationError } from '@wxpay/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BillIntegrityError, createV3Client, type V3Client } from '../src/index.js';
import { FakeWechat } from './support/fake-wechat.js';
import { makeTestKeys } from './support/test-keys.js';

const keys = makeTestKeys();
let server: FakeWechat;
let client: V3Client;
const CSV = `\uFEFF交易时间,公众账号ID,商户号\n\`2025-11-22 10:00:00,\`wx8888888888888888,\`1900000001\n${'`x,`y,`z\n'.repeat(2000)}`;
const sha1 = (b: string | Buffer) => createHash('sha1').update(b).digest('hex');

const readAll = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  server = await new FakeWechat(keys).start();
  client = createV3Client({
    mchId: '1900000001',
    appId: 'wx8888888888888888',
    privateKey: keys.merchant.privateKey,
    certificateSerial: keys.merchant.serial,
    apiV3Key: keys.apiV3Key,
    baseUrl: server.url,
    retry: { maxAttempts: 1 },
  });
});
afterAll(async () => {
  await client.close();
  await server.stop();
});

function serveBill(options: { file: Buffer; hash: string; downloadUrl?: string }) {
  server.routes.clear();
  server.requests.length = 0;
  const reply = (r: { path: string }) => ({
    status: 200,
    body: {
      hash_type: 'SHA1',
      hash_value: options.hash,
      download_url:
        options.downloadUrl ??
        `${server.url}/v3/billdownload/file?token=T${r.path.includes('fundflow') ? 'F' : 'T'}`,
    },
  });
  server.on('GET /v3/bill/tradebill', reply);
  server.on('GET /v3/bill/fundflowbill', reply);
  server.on('GET /v3/billdownload/file', () => ({
    status: 200,
    body: options.file,
    sign: false,
    headers: { 'content-type': 'application/octet-stream' },
  }));
}

beforeEach(() => {
  server.routes.clear();
});

describe('bill download', () => {
  it('trade bill: applies, downloads with an Authorization over the URL, checks SHA-1', async () => {
    serveBill({ file: Buffer.from(CSV), hash: sha1(CSV).toUpperCase() });
    const bill = await client.downloadTradeBill({ billDate: '2025-11-22', billType: 'ALL' });
    expect(await readAll(bill.stream)).toBe(CSV);
    expect(bill.hashValue).toBe(sha1(CSV));
    const paths = server.requests.map((r) => r.path).filter((p) => p !== '/v3/certificates');
    expect(paths).toEqual([
      '/v3/bill/tradebill?bill_date=2025-11-22&bill_type=ALL',
      '/v3/billdownload/file?token=TT',
    ]);
    expect(server.requests.every((r) => r.authorized)).toBe(true);
  });

  it('fund-flow bill with gzip: decompressed, hash over the CSV', async () => {
    serveBill({ file: gzipSync(CSV), hash: sha1(CSV) });
    const bill = await client.downloadFundFlowBill({
      billDate: '2025-11-22',
      accountType: 'BASIC',
      gzip: true,
    });
    expect(await readAll(bill.stream)).toBe(CSV);
    expect(
      server.requests.some(
        (r) =>
          r.path === '/v3/bill/fundflowbill?bill_date=2025-11-22&account_type=BASIC&tar_type=GZIP',
      ),
    ).toBe(true);
  });

  it('a hash mismatch or corrupt gzip fails the stream with BillIntegrityError', async () => {
    serveBill({ file: Buffer.from(`${CSV}tampered`), hash: sha1(CSV) });
    const bill = await client.downloadTradeBill({ billDate: '2025-11-22' });
    await expect(readAll(bill.stream)).rejects.toThrow(BillIntegrityError);
    const gz = gzipSync(CSV);
    gz[gz.length - 6] = (gz[gz.length - 6] ?? 0) ^ 0xff;
    serveBill({ file: gz, hash: sha1(CSV) });
    const bad = await client.downloadTradeBill({ billDate: '2025-11-22', gzip: true });
    const err = await readAll(bad.stream).catch((e: unknown) => e);
    expect(BillIntegrityError.isInstance(err)).toBe(true);
  });

  it('refuses download URLs outside WeChat Pay and bad input; maps download errors', async () => {
    serveBill({
      file: Buffer.from(CSV),
      hash: sha1(CSV),
      downloadUrl: 'https://evil.example.com/steal',
    });
    await expect(client.downloadTradeBill({ billDate: '2025-11-22' })).rejects.toThrow(
      ResponseValidationError,
    );
    await expect(client.downloadTradeBill({ billDate: '20251122' })).rejects.toThrow(
      ValidationError,
    );
    serveBill({ file: Buffer.from(CSV), hash: sha1(CSV) });
    server.on('GET /v3/billdownload/file', () => ({
      status: 404,
      body: { code: 'RESOURCE_NOT_EXISTS', message: 'expired' },
    }));
    await expect(client.downloadTradeBill({ billDate: '2025-11-22' })).rejects.toThrow(
      OrderNotFoundError,
    );
  });
});
