import { generateKeyPairSync, verify } from 'node:crypto';
import * as core from '@wxpay/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client, type V3ClientConfig } from '../src/index.js';
import { FakeWechat } from './support/fake-wechat.js';
import { makeTestKeys } from './support/test-keys.js';
import { wireTransaction } from './support/wire-transaction.js';

const keys = makeTestKeys();
const MCH = '1900000001';
const APPID = 'wx8888888888888888';
let server: FakeWechat;
const clients: V3Client[] = [];

/** Whether `signature` (base64) is the merchant key's SHA256-RSA signature of `message`. */
const signedByMerchant = (message: string, signature: string) =>
  verify('sha256', Buffer.from(message), keys.merchant.publicKey, Buffer.from(signature, 'base64'));

/** Requests other than the certificate download. */
const apiRequests = () => server.requests.filter((r) => r.path !== '/v3/certificates');
const lastApi = () => apiRequests().at(-1)!;

function makeClient(overrides: Partial<V3ClientConfig> = {}): V3Client {
  const client = createV3Client({
    mchId: MCH,
    appId: APPID,
    privateKey: keys.merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificateSerial: keys.merchant.serial,
    apiV3Key: keys.apiV3Key,
    notifyUrl: 'https://merchant.example.com/notify',
    baseUrl: server.url,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
  clients.push(client);
  return client;
}

const TRANSACTION = wireTransaction({
  appid: APPID,
  mchid: MCH,
  out_trade_no: 'ORDER_000001',
  transaction_id: '4200001207202108286046087211',
  attach: 'a',
  success_time: '2021-08-28T14:42:39+08:00',
  amount: { total: 100, payer_total: 90, currency: 'CNY', payer_currency: 'CNY' },
  promotion_detail: [
    { coupon_id: 'C1', name: 'ten off', scope: 'GLOBAL', type: 'NEWTYPE', amount: 10 },
  ],
});

/** A 1-fen order of `kind` with nothing but the required fields. */
const smallOrder = <K extends 'native' | 'app'>(kind: K, outTradeNo: string) => ({
  kind,
  outTradeNo,
  description: 'd',
  amount: { total: 1 },
});

beforeAll(async () => {
  server = await new FakeWechat(keys).start();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});
beforeEach(() => {
  server.reset();
  server.now = () => Math.floor(Date.now() / 1000);
});

describe('createOrder', () => {
  it('jsapi: signed request verified by the server, bridge config with RSA paySign', async () => {
    server.answer('POST /v3/pay/transactions/jsapi', {
      prepay_id: 'wx201410272009395522657a690389285100',
    });
    const client = makeClient();
    const prepay = await client.createOrder({
      kind: 'jsapi',
      outTradeNo: 'ORDER_000001',
      description: 'Image形象店-深圳腾大-QQ公仔',
      amount: { total: 100 },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      clientIp: '203.0.113.7',
      expiresAt: new Date('2025-01-01T00:00:00Z'),
      attach: 'x',
    });
    const req = server.requests.find((r) => r.path === '/v3/pay/transactions/jsapi')!;
    expect(req.authorized).toBe(true);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toMatch(/^wxpay-v3-json\//);
    expect(req.headers.authorization).toContain(`mchid="${MCH}"`);
    expect(JSON.parse(req.body)).toEqual({
      appid: APPID,
      mchid: MCH,
      description: 'Image形象店-深圳腾大-QQ公仔',
      out_trade_no: 'ORDER_000001',
      time_expire: '2025-01-01T08:00:00+08:00',
      attach: 'x',
      notify_url: 'https://merchant.example.com/notify',
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      scene_info: { payer_client_ip: '203.0.113.7' },
    });
    expect(prepay.kind).toBe('jsapi');
    if (prepay.kind !== 'jsapi') throw new Error('kind');
    const b = prepay.bridgeConfig;
    expect(b).toMatchObject({
      appId: APPID,
      signType: 'RSA',
      package: `prepay_id=${prepay.prepayId}`,
    });
    const msg = `${b.appId}\n${b.timeStamp}\n${b.nonceStr}\n${b.package}\n`;
    expect(signedByMerchant(msg, b.paySign)).toBe(true);
  });

  it('app: App config signed over appid, timestamp, noncestr, prepayid', async () => {
    server.answer('POST /v3/pay/transactions/app', { prepay_id: 'WX1217' });
    const prepay = await makeClient().createOrder({
      kind: 'app',
      outTradeNo: 'ORDER_000002',
      description: 'd',
      amount: { total: 1 },
    });
    if (prepay.kind !== 'app') throw new Error('kind');
    const a = prepay.appConfig;
    expect(a).toMatchObject({
      appid: APPID,
      partnerid: MCH,
      prepayid: 'WX1217',
      package: 'Sign=WXPay',
    });
    const msg = `${a.appid}\n${a.timestamp}\n${a.noncestr}\n${a.prepayid}\n`;
    expect(signedByMerchant(msg, a.sign)).toBe(true);
  });

  it('native and h5 (scene_info with h5_info)', async () => {
    server.answer('POST /v3/pay/transactions/native', {
      code_url: 'weixin://wxpay/bizpayurl?pr=abc',
    });
    server.answer('POST /v3/pay/transactions/h5', {
      h5_url: 'https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=1',
    });
    const client = makeClient();
    await expect(client.createOrder(smallOrder('native', 'ORDER_000003'))).resolves.toEqual({
      kind: 'native',
      codeUrl: 'weixin://wxpay/bizpayurl?pr=abc',
    });
    const h5 = await client.createOrder({
      kind: 'h5',
      outTradeNo: 'ORDER_000004',
      description: 'd',
      amount: { total: 1 },
      clientIp: '203.0.113.9',
      h5Info: { type: 'Wap', appName: 'shop', appUrl: 'https://shop.example.com' },
      notifyUrl: 'https://other.example.com/n',
    });
    expect(h5).toMatchObject({ kind: 'h5' });
    const body = JSON.parse(server.requests.find((r) => r.path.endsWith('/h5'))!.body);
    expect(body.notify_url).toBe('https://other.example.com/n');
    expect(body.scene_info).toEqual({
      payer_client_ip: '203.0.113.9',
      h5_info: { type: 'Wap', app_name: 'shop', app_url: 'https://shop.example.com' },
    });
  });

  it('refuses bad input with ValidationError before any request', async () => {
    const client = makeClient();
    const bad = [
      {
        kind: 'jsapi',
        outTradeNo: 'x',
        description: 'd',
        amount: { total: 1 },
        payer: { openid: 'o' },
      },
      { kind: 'native', outTradeNo: 'ORDER_000005', description: 'd', amount: { total: 0 } },
      {
        kind: 'native',
        outTradeNo: 'ORDER_000005',
        description: 'd',
        amount: { total: 1 },
        productId: 'p',
      },
      {
        kind: 'app',
        outTradeNo: 'ORDER_000005',
        description: 'd',
        amount: { total: 1 },
        deviceId: 'd1',
      },
    ];
    for (const params of bad) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input
      await expect(client.createOrder(params as any)).rejects.toThrow(core.ValidationError);
    }
    const noNotify = makeClient({ notifyUrl: undefined as unknown as string });
    await expect(noNotify.createOrder(smallOrder('app', 'ORDER_000006'))).rejects.toThrow(
      /notifyUrl/,
    );
    expect(server.requests.filter((r) => r.path.startsWith('/v3/pay'))).toHaveLength(0);
  });
});

describe('queryOrder, closeOrder, refunds', () => {
  it('maps a Transaction to Order (success_time → Date, promotions, unknown enums kept)', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/*', TRANSACTION);
    server.answer('GET /v3/pay/transactions/id/*', {
      out_trade_no: 'ORDER_000001',
      transaction_id: '4200001207202108286046087211',
      trade_state: 'NOTPAY',
      amount: { total: 100 },
    });
    const client = makeClient();
    const order = await client.queryOrder({ outTradeNo: 'ORDER_000001' });
    expect(lastApi().path).toBe(`/v3/pay/transactions/out-trade-no/ORDER_000001?mchid=${MCH}`);
    expect(order).toMatchObject({
      outTradeNo: 'ORDER_000001',
      transactionId: '4200001207202108286046087211',
      state: 'SUCCESS',
      tradeType: 'JSAPI',
      amount: { total: 100, payerTotal: 90, currency: 'CNY', payerCurrency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      promotions: [
        { couponId: 'C1', type: 'NEWTYPE', amount: 10, name: 'ten off', scope: 'GLOBAL' },
      ],
    });
    expect(order.successTime?.toISOString()).toBe('2021-08-28T06:42:39.000Z');
    expect(order.raw).toEqual(TRANSACTION);
    const unpaid = await client.queryOrder({ transactionId: '4200001207202108286046087211' });
    expect(unpaid).toMatchObject({ state: 'NOTPAY', promotions: [] });
    expect(lastApi().path).toBe(
      `/v3/pay/transactions/id/4200001207202108286046087211?mchid=${MCH}`,
    );
  });

  it('unknown trade_state → UnknownTradeStateError with raw kept; bad shape → ResponseValidationError', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/ORDER_UNKNOWN', {
      out_trade_no: 'ORDER_UNKNOWN',
      trade_state: 'TELEPORTED',
    });
    server.answer('GET /v3/pay/transactions/out-trade-no/ORDER_BADSHAPE', {
      out_trade_no: 'ORDER_BADSHAPE',
      trade_state: 'SUCCESS',
      amount: { total: '1' },
    });
    const client = makeClient();
    const err = await client.queryOrder({ outTradeNo: 'ORDER_UNKNOWN' }).catch((e: unknown) => e);
    expect(core.UnknownTradeStateError.isInstance(err)).toBe(true);
    expect((err as core.UnknownTradeStateError).raw).toEqual({
      out_trade_no: 'ORDER_UNKNOWN',
      trade_state: 'TELEPORTED',
    });
    await expect(client.queryOrder({ outTradeNo: 'ORDER_BADSHAPE' })).rejects.toThrow(
      core.ResponseValidationError,
    );
  });

  it('close: 204 verified over the empty body; ORDER_CLOSED counts as closed', async () => {
    // Every close is confirmed by a query (docs/protocol/live-behaviour.md, closing).
    // Each query is answered about the order it asks for (answers are bound to their request).
    server.on('GET /v3/pay/transactions/out-trade-no/*', (request) => ({
      status: 200,
      body: {
        out_trade_no: /out-trade-no\/([^?/]+)/.exec(request.path)?.[1],
        trade_state: 'CLOSED',
        amount: { total: 100 },
      },
    }));
    server.on('POST /v3/pay/transactions/out-trade-no/ORDER_000001/close', () => ({ status: 204 }));
    server.on('POST /v3/pay/transactions/out-trade-no/ORDER_000002/close', () => ({
      status: 400,
      body: { code: 'ORDER_CLOSED', message: 'closed' },
    }));
    server.on('POST /v3/pay/transactions/out-trade-no/ORDER_000003/close', () => ({
      status: 204,
      tamper: 'signature',
    }));
    const client = makeClient();
    await expect(client.closeOrder('ORDER_000001')).resolves.toBeUndefined();
    const close = server.requests.filter((r) => r.path.endsWith('/ORDER_000001/close'));
    expect(JSON.parse(close.at(-1)?.body ?? '')).toEqual({ mchid: MCH });
    expect(lastApi().path).toBe(`/v3/pay/transactions/out-trade-no/ORDER_000001?mchid=${MCH}`);
    await expect(client.closeOrder('ORDER_000002')).resolves.toBeUndefined();
    await expect(client.closeOrder('ORDER_000003')).rejects.toThrow(
      core.SignatureVerificationError,
    );
  });

  it('refund create and query map to Refund', async () => {
    const refund = {
      refund_id: '50000000382019052709732678859',
      out_refund_no: 'R_0001',
      transaction_id: '4200001207202108286046087211',
      out_trade_no: 'ORDER_000001',
      channel: 'ORIGINAL',
      user_received_account: '招商银行信用卡0403',
      create_time: '2020-12-01T16:18:12+08:00',
      status: 'PROCESSING',
      amount: { total: 100, refund: 50, payer_total: 100, payer_refund: 50, currency: 'CNY' },
    };
    server.on('POST /v3/refund/domestic/refunds', () => ({ status: 200, body: refund }));
    server.answer('GET /v3/refund/domestic/refunds/R_0001', {
      ...refund,
      status: 'SUCCESS',
      success_time: '2020-12-01T16:19:12+08:00',
      channel: 'NEW_CHANNEL',
    });
    const client = makeClient();
    const created = await client.refund({
      order: { transactionId: '4200001207202108286046087211' },
      outRefundNo: 'R_0001',
      amount: { refund: 50, total: 100 },
      reason: '退货',
    });
    expect(JSON.parse(lastApi().body)).toEqual({
      transaction_id: '4200001207202108286046087211',
      out_refund_no: 'R_0001',
      reason: '退货',
      notify_url: 'https://merchant.example.com/notify',
      amount: { refund: 50, total: 100, currency: 'CNY' },
    });
    expect(created).toMatchObject({
      outRefundNo: 'R_0001',
      refundId: '50000000382019052709732678859',
      status: 'PROCESSING',
      amount: { refund: 50, total: 100, payerRefund: 50, currency: 'CNY' },
      channel: 'ORIGINAL',
      receivedAccount: '招商银行信用卡0403',
    });
    expect(created.createTime?.toISOString()).toBe('2020-12-01T08:18:12.000Z');
    const queried = await client.queryRefund('R_0001');
    expect(queried).toMatchObject({ status: 'SUCCESS', channel: 'NEW_CHANNEL' });
    expect(queried.successTime).toBeInstanceOf(Date);
    await expect(
      client.refund({
        order: { outTradeNo: 'ORDER_000001' },
        outRefundNo: 'R_0002',
        amount: { refund: 101, total: 100 },
      }),
    ).rejects.toThrow(core.ValidationError);
  });
});

describe('error mapping', () => {
  const cases: [number, Record<string, unknown> | undefined, 'order' | 'refund', unknown][] = [
    [404, { code: 'ORDER_NOT_EXIST', message: 'no' }, 'order', core.OrderNotFoundError],
    [404, { code: 'ORDERNOTEXIST', message: 'no' }, 'order', core.OrderNotFoundError],
    [404, { code: 'RESOURCE_NOT_EXISTS', message: 'no' }, 'order', core.OrderNotFoundError],
    [404, { code: 'RESOURCE_NOT_EXISTS', message: 'no' }, 'refund', core.RefundNotFoundError],
    [400, { code: 'ORDER_CLOSED' }, 'order', core.OrderClosedError],
    [403, { code: 'ORDERPAID' }, 'order', core.OrderPaidError],
    [403, { code: 'OUT_TRADE_NO_USED' }, 'order', core.DuplicateOrderError],
    [401, { code: 'SIGN_ERROR' }, 'order', core.AuthenticationError],
    [403, { code: 'NO_AUTH' }, 'order', core.AuthenticationError],
    [403, { code: 'NOAUTH' }, 'order', core.AuthenticationError],
    [400, { code: 'PARAM_ERROR', detail: { field: '/amount' } }, 'order', core.InvalidRequestError],
    [500, { code: 'OPENID_MISMATCH' }, 'order', core.InvalidRequestError],
    [429, { code: 'FREQUENCY_LIMITED' }, 'order', core.RateLimitedError],
    [400, { code: 'RATELIMIT_EXCEEDED' }, 'order', core.RateLimitedError],
    [500, { code: 'SYSTEM_ERROR' }, 'order', core.SystemError],
    [500, { code: 'BANKERROR' }, 'order', core.SystemError],
    [503, undefined, 'order', core.SystemError],
    [202, { code: 'USERPAYING' }, 'order', core.UserPayingError],
  ];

  it('maps {code, message, detail} + status to core classes, keeping code and Request-ID', async () => {
    const client = makeClient({ retry: { maxAttempts: 1 } });
    let i = 0;
    for (const [status, body, context, cls] of cases) {
      const reply = { status, ...(body ? { body } : {}), sign: false };
      server.routes.clear();
      server.on('GET /v3/pay/transactions/out-trade-no/*', () => reply);
      server.on('GET /v3/refund/domestic/refunds/*', () => reply);
      const err = await (context === 'refund'
        ? client.queryRefund(`R_${i}`)
        : client.queryOrder({ outTradeNo: `ORDER_ERR_${i}` })
      ).catch((e: unknown) => e);
      i++;
      expect(
        (cls as { isInstance(e: unknown): boolean }).isInstance(err),
        `${status} ${JSON.stringify(body)}`,
      ).toBe(true);
      const apiErr = err as core.InvalidRequestError;
      expect(apiErr.code).toBe((body?.code as string | undefined) ?? `HTTP_${status}`);
      expect(apiErr.status).toBe(status);
      expect(apiErr.requestId).toMatch(/^REQ-/);
      if (body) expect(apiErr.raw).toEqual(body);
    }
  });

  it('retries SYSTEM_ERROR with fresh signatures, then succeeds', async () => {
    let calls = 0;
    server.on('GET /v3/pay/transactions/out-trade-no/*', () =>
      ++calls < 3
        ? { status: 500, body: { code: 'SYSTEM_ERROR', message: 'busy' } }
        : { status: 200, body: TRANSACTION },
    );
    const order = await makeClient().queryOrder({ outTradeNo: 'ORDER_000001' });
    expect(order.state).toBe('SUCCESS');
    expect(calls).toBe(3);
    const auths = apiRequests().map((r) => r.headers.authorization);
    expect(new Set(auths).size).toBe(3);
    expect(server.requests.every((r) => r.authorized)).toBe(true);
  });

  it('429 honours Retry-After and gives up after maxAttempts', async () => {
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 429,
      body: { code: 'FREQUENCY_LIMITED', message: 'slow down' },
      headers: { 'retry-after': '0' },
    }));
    const err = await makeClient({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } })
      .queryOrder({ outTradeNo: 'ORDER_000001' })
      .catch((e: unknown) => e);
    expect(core.RateLimitedError.isInstance(err)).toBe(true);
    expect((err as core.RateLimitedError).retryAfterMs).toBe(0);
    expect((err as core.RateLimitedError).retryable).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

describe('response verification', () => {
  for (const tamper of ['body', 'timestamp', 'nonce', 'serial', 'signature'] as const) {
    it(`one change in the ${tamper} fails with SignatureVerificationError`, async () => {
      server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
        status: 200,
        body: TRANSACTION,
        tamper,
      }));
      // Certificate B must be "known" for the serial case to reach the signature check.
      server.certificates = [keys.platformA, keys.platformB];
      const err = await makeClient()
        .queryOrder({ outTradeNo: 'ORDER_000001' })
        .catch((e: unknown) => e);
      expect(core.SignatureVerificationError.isInstance(err)).toBe(true);
      expect(
        (err as Error).constructor.name === 'SignatureVerificationError' || tamper === 'timestamp',
      ).toBe(true);
    });
  }

  it('±300 s accepted, ±301 s rejected (server clock skew)', async () => {
    const client = makeClient();
    for (const [offset, ok] of [
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ] as const) {
      server.routes.clear();
      server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
        status: 200,
        body: TRANSACTION,
        timestampOffset: offset,
      }));
      const result = client.queryOrder({ outTradeNo: 'ORDER_000001' });
      if (ok) await expect(result).resolves.toMatchObject({ state: 'SUCCESS' });
      else await expect(result).rejects.toThrow(core.SignatureVerificationError);
    }
  });

  it('probe signature on a response → SignatureProbeError', async () => {
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 200,
      body: TRANSACTION,
      probe: true,
    }));
    const err = await makeClient()
      .queryOrder({ outTradeNo: 'ORDER_000001' })
      .catch((e: unknown) => e);
    expect(core.SignatureProbeError.isInstance(err)).toBe(true);
  });

  it('an unsigned 200 is refused', async () => {
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 200,
      body: TRANSACTION,
      sign: false,
    }));
    await expect(makeClient().queryOrder({ outTradeNo: 'ORDER_000001' })).rejects.toThrow(
      /missing Wechatpay-/,
    );
  });
});

describe('trust modes', () => {
  const pem = (k: typeof keys.publicKey.publicKey) =>
    k.export({ type: 'spki', format: 'pem' }) as string;

  it('public-key mode: announces PUB_KEY_ID, never downloads certificates', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/*', TRANSACTION);
    const client = makeClient({
      wechatpayPublicKey: { id: keys.publicKey.serial, key: pem(keys.publicKey.publicKey) },
    });
    await expect(client.queryOrder({ outTradeNo: 'ORDER_000001' })).resolves.toBeDefined();
    expect(server.requests.map((r) => r.path)).toEqual([
      `/v3/pay/transactions/out-trade-no/ORDER_000001?mchid=${MCH}`,
    ]);
    expect(server.requests[0]!.headers['wechatpay-serial']).toBe(keys.publicKey.serial);
    // A platform-certificate signature is not trusted in public-key-only mode.
    server.routes.clear();
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 200,
      body: TRANSACTION,
      signer: keys.platformA,
    }));
    await expect(client.queryOrder({ outTradeNo: 'ORDER_000001' })).rejects.toThrow(
      /no WeChat Pay public key/,
    );
  });

  it('both: public key and certificates routed by serial', async () => {
    let signer = keys.publicKey;
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 200,
      body: TRANSACTION,
      signer,
    }));
    const client = makeClient({
      wechatpayPublicKey: { id: keys.publicKey.serial, key: keys.publicKey.publicKey },
      platformCertificates: 'auto',
    });
    await expect(client.queryOrder({ outTradeNo: 'ORDER_000001' })).resolves.toBeDefined();
    signer = keys.platformA;
    await expect(client.queryOrder({ outTradeNo: 'ORDER_000001' })).resolves.toBeDefined();
    expect(server.requests.filter((r) => r.path === '/v3/certificates')).toHaveLength(1);
  });

  it('certificate mode: downloads once, then announces the certificate serial', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/*', TRANSACTION);
    const client = makeClient();
    await client.queryOrder({ outTradeNo: 'ORDER_000001' });
    await client.queryOrder({ outTradeNo: 'ORDER_000001' });
    const paths = server.requests.map((r) => r.path.split('?')[0]);
    expect(paths.filter((p) => p === '/v3/certificates')).toHaveLength(1);
    expect(lastApi().headers['wechatpay-serial']).toBe(keys.platformA.serial);
  });
});

describe('transport', () => {
  it('reuses one keep-alive connection; close() releases it', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/*', TRANSACTION);
    const client = createV3Client({
      mchId: MCH,
      appId: APPID,
      privateKey: keys.merchant.privateKey,
      certificateSerial: keys.merchant.serial,
      apiV3Key: keys.apiV3Key,
      baseUrl: server.url,
      transport: { connections: 1 },
    });
    for (let i = 0; i < 5; i++) await client.queryOrder({ outTradeNo: 'ORDER_000001' });
    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
    await client.close();
    await client.close();
    const after = await client.queryOrder({ outTradeNo: 'ORDER_000001' }).catch((e: unknown) => e);
    expect(core.ConnectionError.isInstance(after)).toBe(true);
  });

  it('per-attempt timeout → TimeoutError after the retries; abort → AbortedError', async () => {
    server.on('GET /v3/pay/transactions/out-trade-no/*', async () => {
      await new Promise((r) => setTimeout(r, 1500));
      return { status: 200, body: TRANSACTION };
    });
    const client = makeClient({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await client
      .queryOrder({ outTradeNo: 'ORDER_000001' }, { timeoutMs: 250 })
      .catch((e: unknown) => e);
    expect(core.TimeoutError.isInstance(err)).toBe(true);
    expect(apiRequests()).toHaveLength(2);
    const controller = new AbortController();
    const pending = client.queryOrder(
      { outTradeNo: 'ORDER_000001' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    const aborted = await pending.catch((e: unknown) => e);
    expect(core.AbortedError.isInstance(aborted)).toBe(true);
  });
});

describe('configuration and secrets', () => {
  it('ConfigError names the field and never echoes secrets', () => {
    const base = {
      mchId: MCH,
      appId: APPID,
      privateKey: keys.merchant.privateKey,
      certificateSerial: keys.merchant.serial,
      apiV3Key: keys.apiV3Key,
    };
    const bad: [Partial<V3ClientConfig>, RegExp][] = [
      [{ apiV3Key: 'tooshort-secret-value' }, /apiV3Key/],
      [
        { privateKey: '-----BEGIN PRIVATE KEY-----\nsecretgarbage\n-----END PRIVATE KEY-----' },
        /privateKey/,
      ],
      [{ certificateSerial: 'not-hex' }, /certificateSerial/],
      [{ platformCertificates: 'off' }, /wechatpayPublicKey/],
      [
        { wechatpayPublicKey: { id: 'WRONG', key: keys.publicKey.publicKey } },
        /wechatpayPublicKey\.id/,
      ],
      [{ baseUrl: 'ftp://x' }, /baseUrl/],
    ];
    for (const [override, field] of bad) {
      const err = (() => {
        try {
          createV3Client({ ...base, ...override } as V3ClientConfig);
        } catch (e) {
          return e;
        }
      })();
      expect(core.ConfigError.isInstance(err)).toBe(true);
      expect((err as Error).message).toMatch(field);
      expect((err as Error).message).not.toContain('tooshort-secret-value');
      expect((err as Error).message).not.toContain('secretgarbage');
    }
  });

  it('accepts the private key as PKCS#8/PKCS#1 PEM, DER Buffer or KeyObject; refuses non-RSA', async () => {
    server.answer('GET /v3/pay/transactions/out-trade-no/*', TRANSACTION);
    const forms = [
      keys.merchant.privateKey,
      keys.merchant.privateKey.export({ type: 'pkcs1', format: 'pem' }),
      keys.merchant.privateKey.export({ type: 'pkcs8', format: 'der' }),
      keys.merchant.privateKey.export({ type: 'pkcs1', format: 'der' }),
    ];
    for (const privateKey of forms) {
      const client = makeClient({ privateKey });
      await expect(client.queryOrder({ outTradeNo: 'ORDER_000001' })).resolves.toBeDefined();
    }
    expect(apiRequests().every((r) => r.authorized)).toBe(true);
    // The public key as base64 DER (how the console shows it without PEM armour) works too.
    const der = keys.publicKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const pk = makeClient({ wechatpayPublicKey: { id: keys.publicKey.serial, key: der } });
    server.routes.clear();
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 200,
      body: TRANSACTION,
      signer: keys.publicKey,
    }));
    await expect(pk.queryOrder({ outTradeNo: 'ORDER_000001' })).resolves.toBeDefined();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => makeClient({ privateKey: ec.privateKey })).toThrow(/RSA private key/);
    expect(() =>
      makeClient({ wechatpayPublicKey: { id: keys.publicKey.serial, key: ec.publicKey } }),
    ).toThrow(/RSA public key/);
  });

  it('errors, log events and toJSON never carry keys or the Authorization header', async () => {
    const events: core.LogEvent[] = [];
    server.on('GET /v3/pay/transactions/out-trade-no/*', () => ({
      status: 401,
      body: { code: 'SIGN_ERROR', message: 'bad' },
    }));
    server.on('POST /v3/pay/transactions/native', () => ({
      status: 200,
      body: { code_url: 'u' },
      tamper: 'body',
    }));
    const client = makeClient({ logger: (e) => events.push(e) });
    const errors = [
      await client.queryOrder({ outTradeNo: 'ORDER_000001' }).catch((e: unknown) => e),
      await client
        .createOrder({
          kind: 'native',
          outTradeNo: 'ORDER_000009',
          description: 'd',
          amount: { total: 1 },
        })
        .catch((e: unknown) => e),
    ];
    const pemKey = keys.merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const secrets = [
      keys.apiV3Key,
      pemKey.split('\n')[1]!,
      ...server.requests.map((r) => r.headers.authorization!.split('signature="')[1]!.slice(0, 40)),
    ];
    const dump = JSON.stringify([
      errors,
      events,
      errors.map((e) => String(e)),
      errors.map((e) => (e as Error).stack),
    ]);
    for (const s of secrets) expect(dump).not.toContain(s);
    expect(events.some((e) => e.level === 'warn' && e.errorName === 'AuthenticationError')).toBe(
      true,
    );
  });
});
