import { gzipSync } from 'node:zlib';
import {
  ConnectionError,
  InvalidRequestError,
  MalformedMessageError,
  ResponseTooLargeError,
  ValidationError,
} from '@wxpay/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client } from '../src/index.js';
import { type FakeServer, type Route, startFakeV2Server } from './support/fake-v2-server.js';
import { TEST_API_KEY, TEST_APP_ID, TEST_MCH_ID, TEST_MERCHANT } from './support/keys.js';

const CSV = [
  '\uFEFF交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,应结订单金额,商品名称',
  '`2024-01-01 12:00:00,`wx2421b1c4370ec43b,`10000100,`4200000001,`order-1,`SUCCESS,`1.00,`苹果,香蕉',
  '`2024-01-01 12:05:00,`wx2421b1c4370ec43b,`10000100,`4200000002,`order-2,`REFUND,`2.50,`',
  '总交易单数,应结订单总金额,退款总金额',
  '`2,`3.50,`0.00',
  '',
].join('\r\n');

const routes: Record<string, Route> = {};
let server: FakeServer;
let client: V2Client;

beforeAll(async () => {
  server = await startFakeV2Server({
    ...TEST_MERCHANT,
    routes,
  });
  client = createV2Client({
    appId: TEST_APP_ID,
    mchId: TEST_MCH_ID,
    apiKey: TEST_API_KEY,
    baseUrl: server.url,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});
afterEach(() => server.reset());

const EXPECTED = {
  header: [
    '交易时间',
    '公众账号ID',
    '商户号',
    '微信订单号',
    '商户订单号',
    '交易状态',
    '应结订单金额',
    '商品名称',
  ],
  rows: [
    [
      '2024-01-01 12:00:00',
      'wx2421b1c4370ec43b',
      '10000100',
      '4200000001',
      'order-1',
      'SUCCESS',
      '1.00',
      '苹果,香蕉',
    ],
    [
      '2024-01-01 12:05:00',
      'wx2421b1c4370ec43b',
      '10000100',
      '4200000002',
      'order-2',
      'REFUND',
      '2.50',
      '',
    ],
  ],
  summaryHeader: ['总交易单数', '应结订单总金额', '退款总金额'],
  summary: ['2', '3.50', '0.00'],
};

describe('downloadBill', () => {
  it('sends a signed request and parses the CSV, backticks removed', async () => {
    routes['/pay/downloadbill'] = () => ({
      rawBody: CSV,
      headers: { 'content-type': 'text/plain' },
    });
    const bill = await client.downloadBill({ billDate: '20240101', billType: 'ALL' });
    expect(server.requests[0]!.signValid).toBe(true);
    expect(server.requests[0]!.fields).toMatchObject({ bill_date: '20240101', bill_type: 'ALL' });
    expect(server.requests[0]!.fields.tar_type).toBeUndefined();
    expect(bill).toEqual(EXPECTED);
  });

  it('streams and decompresses a gzip bill', async () => {
    // Large enough to arrive in several chunks.
    const many = [
      CSV.split('\r\n')[0],
      ...Array.from({ length: 2000 }, () => CSV.split('\r\n')[1]),
      ...CSV.split('\r\n').slice(3),
    ].join('\n');
    routes['/pay/downloadbill'] = () => ({
      rawBody: gzipSync(Buffer.from(many)),
      headers: { 'content-type': 'application/x-gzip' },
    });
    const bill = await client.downloadBill({ billDate: '20240101', gzip: true });
    expect(server.requests[0]!.fields.tar_type).toBe('GZIP');
    expect(bill.rows).toHaveLength(2000);
    expect(bill.rows[1999]).toEqual(EXPECTED.rows[0]);
    expect(bill.summary).toEqual(EXPECTED.summary);
  });

  it('an XML failure body (leading <) becomes a typed error with the WeChat code', async () => {
    routes['/pay/downloadbill'] = () => ({
      rawBody:
        '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg><error_code><![CDATA[20002]]></error_code></xml>',
    });
    const error = await client.downloadBill({ billDate: '20240102' }).catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: '20002' });
    expect((error as Error).message).toContain('No Bill Exist');
  });

  it('retries a 5xx and validates the date', async () => {
    routes['/pay/downloadbill'] = (_r, i) =>
      i === 0 ? { status: 502, rawBody: 'bad gateway' } : { rawBody: CSV };
    expect((await client.downloadBill({ billDate: '20240101' })).rows).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    const error = await client.downloadBill({ billDate: '2024-01-01' }).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
  });

  it('streamBill yields the statement line by line', async () => {
    routes['/pay/downloadbill'] = () => ({ rawBody: gzipSync(Buffer.from(CSV)) });
    const sections: string[] = [];
    let firstRow: string[] | undefined;
    for await (const line of await client.streamBill({ billDate: '20240101', gzip: true })) {
      sections.push(line.section);
      if (line.section === 'row') firstRow ??= line.cells;
    }
    expect(sections).toEqual(['header', 'row', 'row', 'summaryHeader', 'summary']);
    expect(firstRow).toEqual(EXPECTED.rows[0]);
    routes['/pay/downloadbill'] = () => ({
      rawBody:
        '<xml><return_code>FAIL</return_code><return_msg>invalid bill_date</return_msg><error_code>20001</error_code></xml>',
    });
    await expect(client.streamBill({ billDate: '20990101' })).rejects.toMatchObject({
      code: '20001',
    });
  });

  it('a gzip bomb stops at maxBytes with ResponseTooLargeError', async () => {
    routes['/pay/downloadbill'] = () => ({
      rawBody: gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x60)),
    });
    const error = await client
      .downloadBill({ billDate: '20240101', gzip: true, maxBytes: 1024 * 1024 })
      .catch((e: unknown) => e);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
  });

  it('a connection cut mid-download rejects instead of hanging', async () => {
    const body = gzipSync(Buffer.from(CSV.repeat(200)));
    routes['/pay/downloadbill'] = () => ({
      // Declares the full length, sends half, then the server drops the connection.
      headers: { 'content-length': String(body.length) },
      rawBody: body.subarray(0, body.length >> 1),
      cut: true,
    });
    const error = await client
      .downloadBill({ billDate: '20240101', gzip: true })
      .catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
  });

  it('a corrupt gzip body is a MalformedMessageError', async () => {
    const body = gzipSync(Buffer.from(CSV));
    body.fill(0x41, 10, 30);
    routes['/pay/downloadbill'] = () => ({ rawBody: body });
    const error = await client
      .downloadBill({ billDate: '20240101', gzip: true })
      .catch((e: unknown) => e);
    expect(MalformedMessageError.isInstance(error)).toBe(true);
  });

  it('stopping a streamed bill early releases the download', async () => {
    routes['/pay/downloadbill'] = () => ({ rawBody: CSV });
    for await (const line of await client.streamBill({ billDate: '20240101' })) {
      expect(line.section).toBe('header');
      break;
    }
    // The pool is still usable afterwards.
    expect((await client.downloadBill({ billDate: '20240101' })).rows).toHaveLength(2);
  });

  it('an empty bill parses to empty parts', async () => {
    routes['/pay/downloadbill'] = () => ({ rawBody: '' });
    expect(await client.downloadBill({ billDate: '20240101' })).toEqual({
      header: [],
      rows: [],
      summaryHeader: [],
      summary: [],
    });
  });
});
