import * as core from '@wxpay/core';
import { rejectionOf } from '@wxpay/simulator/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client, type V2ClientConfig, verifyFields } from '../src/index.js';
import { type FakeServer, type Route, startFakeV2Server } from './support/fake-v2-server.js';
import { TEST_API_KEY, TEST_APP_ID, TEST_MCH_ID, TEST_MERCHANT } from './support/keys.js';

const routes: Record<string, Route> = {};
let server: FakeServer;
const clients: V2Client[] = [];

beforeAll(async () => {
  server = await startFakeV2Server({
    ...TEST_MERCHANT,
    // Routes are looked up per request, so each test installs its own.
    routes: new Proxy(routes, {}),
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});
afterEach(() => {
  for (const key of Object.keys(routes)) delete routes[key];
  server.reset();
});

function client(overrides: Partial<V2ClientConfig> = {}): V2Client {
  const c = createV2Client({
    appId: TEST_APP_ID,
    mchId: TEST_MCH_ID,
    apiKey: TEST_API_KEY,
    baseUrl: server.url,
    notifyUrl: 'https://merchant.example.com/wxpay/notify',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
  clients.push(c);
  return c;
}

// The seed's sample /pay/orderquery reply (seeds/003), re-signed with the test key.
const SEED_ORDER = {
  device_info: '1000',
  openid: 'oUpF8uN95-Ptaags6E_roPHg7AG0',
  is_subscribe: 'Y',
  trade_type: 'MICROPAY',
  bank_type: 'CCB_DEBIT',
  total_fee: '1',
  fee_type: 'CNY',
  transaction_id: '1008450740201411110005820873',
  out_trade_no: '1415757673',
  attach: '订单额外描述',
  time_end: '20141111170043',
  trade_state: 'SUCCESS',
};

describe('createOrder', () => {
  it('jsapi: signs the request with sign_type and returns a bridge config signed with the configured type', async () => {
    routes['/pay/unifiedorder'] = () => ({
      signWith: 'HMAC-SHA256',
      fields: { trade_type: 'JSAPI', prepay_id: 'wx201410272009395522657a690389285100' },
    });
    const c = client({ signType: 'HMAC-SHA256' });
    const prepay = await c.createOrder({
      kind: 'jsapi',
      outTradeNo: 'order-0001',
      description: '腾讯充值中心-QQ会员充值',
      amount: { total: 888 },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      clientIp: '123.12.12.123',
      attach: 'a&b',
      expiresAt: new Date('2015-08-06T05:53:46Z'),
    });
    const sent = server.requests[0]!;
    expect(sent.signValid).toBe(true);
    expect(sent.fields).toMatchObject({
      appid: TEST_APP_ID,
      mch_id: TEST_MCH_ID,
      sign_type: 'HMAC-SHA256',
      body: '腾讯充值中心-QQ会员充值',
      out_trade_no: 'order-0001',
      total_fee: '888',
      spbill_create_ip: '123.12.12.123',
      notify_url: 'https://merchant.example.com/wxpay/notify',
      trade_type: 'JSAPI',
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      attach: 'a&b',
      time_expire: '20150806135346',
    });
    expect(sent.fields.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(prepay.kind).toBe('jsapi');
    if (prepay.kind !== 'jsapi') throw new Error('kind');
    expect(prepay.prepayId).toBe('wx201410272009395522657a690389285100');
    const b = prepay.bridgeConfig;
    expect(b.signType).toBe('HMAC-SHA256');
    expect(b.package).toBe('prepay_id=wx201410272009395522657a690389285100');
    expect(b.appId).toBe(TEST_APP_ID);
    const { paySign, ...signed } = b;
    expect(paySign).toHaveLength(64);
    expect(verifyFields(signed, paySign, TEST_API_KEY, 'HMAC-SHA256')).toBe(true);
  });

  it('uses the injected clock and nonce source for the request and the bridge parameters', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: { trade_type: 'JSAPI', prepay_id: 'wx-fixed' },
    });
    let n = 0;
    const c = client({ clock: { now: () => 1_395_712_654_321 }, nonce: () => `nonce${n++}` });
    const prepay = await c.createOrder({
      kind: 'miniprogram',
      outTradeNo: 'order-0010',
      description: 'mini',
      amount: { total: 1 },
      payer: { openid: 'o-mini' },
      clientIp: '1.2.3.4',
    });
    expect(server.requests[0]!.fields.nonce_str).toBe('nonce0');
    if (prepay.kind !== 'miniprogram') throw new Error('kind');
    expect(prepay.bridgeConfig).toMatchObject({
      timeStamp: '1395712654',
      nonceStr: 'nonce1',
      signType: 'MD5',
    });
  });

  it('app: App config with Sign=WXPay and a valid sign', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: { trade_type: 'APP', prepay_id: 'WX1217752501201407033233368018' },
    });
    const prepay = await client().createOrder({
      kind: 'app',
      outTradeNo: 'order-0002',
      description: 'app order',
      amount: { total: 1 },
      clientIp: '10.0.0.1',
    });
    expect(server.requests[0]!.fields.trade_type).toBe('APP');
    if (prepay.kind !== 'app') throw new Error('kind');
    const { sign, ...rest } = prepay.appConfig;
    expect(rest).toMatchObject({
      appid: TEST_APP_ID,
      partnerid: TEST_MCH_ID,
      package: 'Sign=WXPay',
    });
    expect(verifyFields(rest, sign, TEST_API_KEY, 'MD5')).toBe(true);
  });

  it('native: product_id defaults to out_trade_no; the code URL comes back', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: {
        trade_type: 'NATIVE',
        prepay_id: 'wx1',
        code_url: 'weixin://wxpay/bizpayurl?pr=abc',
      },
    });
    const prepay = await client().createOrder({
      kind: 'native',
      outTradeNo: 'order-0003',
      description: 'qr',
      amount: { total: 100, currency: 'CNY' },
      clientIp: '10.0.0.1',
    });
    expect(server.requests[0]!.fields).toMatchObject({
      trade_type: 'NATIVE',
      product_id: 'order-0003',
      fee_type: 'CNY',
    });
    expect(prepay).toEqual({
      kind: 'native',
      codeUrl: 'weixin://wxpay/bizpayurl?pr=abc',
      prepayId: 'wx1',
    });
  });

  it('h5: MWEB with scene_info JSON; mweb_url returned', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: {
        trade_type: 'MWEB',
        prepay_id: 'wx2',
        mweb_url: 'https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?x=1',
      },
    });
    const prepay = await client().createOrder({
      kind: 'h5',
      outTradeNo: 'order-0004',
      description: 'h5',
      amount: { total: 100 },
      clientIp: '2001:db8::1',
      h5Info: { type: 'Wap', appUrl: 'https://m.example.com', appName: '示例' },
    });
    const sent = server.requests[0]!.fields;
    expect(sent.trade_type).toBe('MWEB');
    expect(JSON.parse(sent.scene_info!)).toEqual({
      h5_info: { type: 'Wap', wap_url: 'https://m.example.com', wap_name: '示例' },
    });
    expect(prepay).toMatchObject({
      kind: 'h5',
      h5Url: 'https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?x=1',
    });
  });

  it('requires clientIp (and a notify URL) with a ValidationError naming the field, before any request', async () => {
    const error = await rejectionOf(
      client().createOrder({
        kind: 'native',
        outTradeNo: 'order-0005',
        description: 'x',
        amount: { total: 1 },
      }),
    );
    expect(core.ValidationError.isInstance(error)).toBe(true);
    expect((error as core.ValidationError).issues.map((i) => i.path)).toEqual(['clientIp']);
    const noNotify = await rejectionOf(
      client({ notifyUrl: undefined as unknown as string }).createOrder({
        kind: 'native',
        outTradeNo: 'order-0005',
        description: 'x',
        amount: { total: 1 },
        clientIp: '1.2.3.4',
      }),
    );
    expect((noNotify as core.ValidationError).issues.map((i) => i.path)).toEqual(['notifyUrl']);
    expect(server.requests).toHaveLength(0);
  });

  it('validates neutral params with core schemas', async () => {
    const error = await rejectionOf(
      client().createOrder({
        kind: 'native',
        outTradeNo: 'bad no!',
        description: 'x',
        amount: { total: 1.5 },
        clientIp: '1.2.3.4',
      }),
    );
    expect(core.ValidationError.isInstance(error)).toBe(true);
    expect((error as core.ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'amount.total',
      'outTradeNo',
    ]);
  });

  it('OUT_TRADE_NO_USED → DuplicateOrderError with code, message and raw', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: {
        result_code: 'FAIL',
        err_code: 'OUT_TRADE_NO_USED',
        err_code_des: '商户订单号重复',
      },
    });
    const error = await rejectionOf(
      client().createOrder({
        kind: 'native',
        outTradeNo: 'order-0006',
        description: 'x',
        amount: { total: 1 },
        clientIp: '1.2.3.4',
      }),
    );
    expect(core.DuplicateOrderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'OUT_TRADE_NO_USED', retryable: false });
    expect(error.message).toContain('商户订单号重复');
    expect((error as core.DuplicateOrderError).raw).toMatchObject({
      err_code: 'OUT_TRADE_NO_USED',
    });
  });

  it('a reply without prepay_id is a ResponseValidationError', async () => {
    routes['/pay/unifiedorder'] = () => ({ fields: { trade_type: 'APP' } });
    const error = await rejectionOf(
      client().createOrder({
        kind: 'app',
        outTradeNo: 'order-0007',
        description: 'x',
        amount: { total: 1 },
        clientIp: '1.2.3.4',
      }),
    );
    expect(core.ResponseValidationError.isInstance(error)).toBe(true);
  });
});

describe('queryOrder', () => {
  it("maps the seed's sample reply to an Order with every field and raw kept", async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER });
    const order = await client().queryOrder({ transactionId: '1008450740201411110005820873' });
    expect(server.requests[0]!.fields.transaction_id).toBe('1008450740201411110005820873');
    expect(server.requests[0]!.fields.out_trade_no).toBeUndefined();
    expect(order).toMatchObject({
      outTradeNo: '1415757673',
      transactionId: '1008450740201411110005820873',
      state: 'SUCCESS',
      tradeType: 'MICROPAY',
      amount: { total: 1, currency: 'CNY' },
      payer: { openid: 'oUpF8uN95-Ptaags6E_roPHg7AG0' },
      attach: '订单额外描述',
      bankType: 'CCB_DEBIT',
      deviceId: '1000',
      subscribed: true,
      promotions: [],
    });
    expect(order.successTime?.toISOString()).toBe('2014-11-11T09:00:43.000Z');
    expect(order.raw).toMatchObject({ ...SEED_ORDER, return_code: 'SUCCESS', appid: TEST_APP_ID });
    expect(typeof order.raw.sign).toBe('string');
  });

  it('folds coupon_*_$n into promotions (NO_CASH → NOCASH) and maps cash_fee to payerTotal', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: {
        ...SEED_ORDER,
        total_fee: 1000,
        cash_fee: 700,
        cash_fee_type: 'CNY',
        settlement_total_fee: 900,
        coupon_fee: 300,
        coupon_count: 2,
        coupon_type_1: 'NO_CASH',
        coupon_id_1: 'C-2',
        coupon_fee_1: 100,
        coupon_type_0: 'CASH',
        coupon_id_0: 'C-1',
        coupon_fee_0: 200,
      },
    });
    const order = await client().queryOrder({ outTradeNo: '1415757673' });
    expect(order.amount).toEqual({
      total: 1000,
      payerTotal: 700,
      currency: 'CNY',
      payerCurrency: 'CNY',
    });
    expect(order.promotions).toEqual([
      { couponId: 'C-1', type: 'CASH', amount: 200 },
      { couponId: 'C-2', type: 'NOCASH', amount: 100 },
    ]);
    expect(order.settlementTotal).toBe(900);
    expect(order.couponTotal).toBe(300);
  });

  it('an unpaid order carries no amounts', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: { out_trade_no: 'order-0100', trade_state: 'NOTPAY', trade_state_desc: '订单未支付' },
    });
    const order = await client().queryOrder({ outTradeNo: 'order-0100' });
    expect(order).toMatchObject({ state: 'NOTPAY', stateDescription: '订单未支付', amount: {} });
    expect(order.successTime).toBeUndefined();
  });

  it('an unknown trade_state is an UnknownTradeStateError keeping raw', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: { out_trade_no: 'order-0101', trade_state: 'TELEPORTED' },
    });
    const error = await rejectionOf(client().queryOrder({ outTradeNo: 'order-0101' }));
    expect(core.UnknownTradeStateError.isInstance(error)).toBe(true);
    expect((error as core.UnknownTradeStateError).raw).toMatchObject({ trade_state: 'TELEPORTED' });
  });

  it('a malformed amount or time is a ResponseValidationError', async () => {
    routes['/pay/orderquery'] = () => ({ fields: { ...SEED_ORDER, total_fee: '1.00' } });
    expect(
      core.ResponseValidationError.isInstance(
        await rejectionOf(client().queryOrder({ outTradeNo: '1415757673' })),
      ),
    ).toBe(true);
    routes['/pay/orderquery'] = () => ({ fields: { ...SEED_ORDER, time_end: '20141341170043' } });
    expect(
      core.ResponseValidationError.isInstance(
        await rejectionOf(client().queryOrder({ outTradeNo: '1415757673' })),
      ),
    ).toBe(true);
  });

  it('ORDERNOTEXIST → OrderNotFoundError (not retried)', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: {
        result_code: 'FAIL',
        err_code: 'ORDERNOTEXIST',
        err_code_des: '此交易订单号不存在',
      },
    });
    const error = await rejectionOf(client().queryOrder({ outTradeNo: 'order-0102' }));
    expect(core.OrderNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ORDERNOTEXIST', status: 200 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('reply verification', () => {
  const query = (c = client()) => c.queryOrder({ outTradeNo: '1415757673' });

  it('a tampered field → SignatureVerificationError', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: SEED_ORDER,
      afterSign: (f) => {
        f.total_fee = '100000';
      },
    });
    expect(core.SignatureVerificationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('an added unknown field after signing → SignatureVerificationError', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: SEED_ORDER,
      afterSign: (f) => {
        f.x_extra = 'injected';
      },
    });
    expect(core.SignatureVerificationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('a missing sign on a SUCCESS reply → SignatureVerificationError', async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER, signWith: false });
    const error = await rejectionOf(query());
    expect(core.SignatureVerificationError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/without a sign/);
  });

  it('an HMAC-SHA256 reply is not accepted by an MD5 client', async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER, signWith: 'HMAC-SHA256' });
    expect(core.SignatureVerificationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('an MD5 reply is not accepted by an HMAC-SHA256 client', async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER, signWith: 'MD5' });
    expect(
      core.SignatureVerificationError.isInstance(
        await rejectionOf(query(client({ signType: 'HMAC-SHA256' }))),
      ),
    ).toBe(true);
  });

  it('a reply signed with another key → SignatureVerificationError', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: SEED_ORDER,
      signKey: 'ffffffffffffffffffffffffffffffff',
    });
    expect(core.SignatureVerificationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('a signed reply is checked before result_code is trusted', async () => {
    routes['/pay/orderquery'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'ORDERNOTEXIST' },
      afterSign: (f) => {
        f.err_code = 'SYSTEMERROR';
      },
    });
    expect(core.SignatureVerificationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('a correctly signed reply for another mch_id → ResponseValidationError', async () => {
    routes['/pay/orderquery'] = () => ({ fields: { ...SEED_ORDER, mch_id: '99999999' } });
    expect(core.ResponseValidationError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('DOCTYPE / entity payloads → MalformedMessageError', async () => {
    routes['/pay/orderquery'] = () => ({
      rawBody:
        '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xml><return_code>&b;</return_code></xml>',
    });
    expect(core.MalformedMessageError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('a non-XML 200 body → MalformedMessageError', async () => {
    routes['/pay/orderquery'] = () => ({ rawBody: '{"code":"OK"}' });
    expect(core.MalformedMessageError.isInstance(await rejectionOf(query()))).toBe(true);
  });

  it('an oversized body → ResponseTooLargeError', async () => {
    routes['/pay/orderquery'] = () => ({ fields: { ...SEED_ORDER, attach: 'x'.repeat(4096) } });
    const error = await rejectionOf(query(client({ transport: { maxResponseBytes: 2048 } })));
    expect(core.ResponseTooLargeError.isInstance(error)).toBe(true);
  });

  it('return_code=FAIL with a signature message → AuthenticationError', async () => {
    routes['/pay/orderquery'] = () => ({
      bare: true,
      signWith: false,
      fields: { return_code: 'FAIL', return_msg: '签名错误' },
    });
    const error = await rejectionOf(query());
    expect(core.AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SIGNERROR' });
  });

  it('return_code=FAIL with another message → InvalidRequestError keeping the message', async () => {
    routes['/pay/orderquery'] = () => ({
      bare: true,
      signWith: false,
      fields: { return_code: 'FAIL', return_msg: '参数格式校验错误' },
    });
    const error = await rejectionOf(query());
    expect(core.InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.message).toContain('参数格式校验错误');
  });

  it('a reply without return_code → ResponseValidationError', async () => {
    routes['/pay/orderquery'] = () => ({ bare: true, signWith: false, fields: { foo: 'bar' } });
    expect(core.ResponseValidationError.isInstance(await rejectionOf(query()))).toBe(true);
  });
});

describe('retries', () => {
  it('SYSTEMERROR is retried with a fresh nonce_str, then succeeds', async () => {
    routes['/pay/orderquery'] = (_req, i) =>
      i === 0
        ? { fields: { result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统错误' } }
        : { fields: SEED_ORDER };
    const order = await client().queryOrder({ outTradeNo: '1415757673' });
    expect(order.state).toBe('SUCCESS');
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.signValid)).toBe(true);
    expect(server.requests[0]!.fields.nonce_str).not.toBe(server.requests[1]!.fields.nonce_str);
  });

  it('HTTP 5xx → SystemError after the configured attempts', async () => {
    routes['/pay/orderquery'] = () => ({ status: 503, rawBody: 'unavailable' });
    const error = await rejectionOf(
      client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).queryOrder({
        outTradeNo: '1415757673',
      }),
    );
    expect(core.SystemError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('FREQUENCY_LIMITED → RateLimitedError (retryable)', async () => {
    routes['/pay/refundquery'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'FREQUENCY_LIMITED' },
    });
    const error = await rejectionOf(
      client({ retry: { maxAttempts: 1 } }).queryRefunds({ outTradeNo: 'order-0200' }),
    );
    expect(core.RateLimitedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true });
  });

  it('an aborted call does not retry', async () => {
    routes['/pay/orderquery'] = () => ({ status: 500, rawBody: '' });
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(
      client().queryOrder({ outTradeNo: '1415757673' }, { signal: controller.signal }),
    );
    expect(error.name).toBe('AbortedError');
    expect(server.requests).toHaveLength(0);
  });
});

describe('transport', () => {
  it('reuses one keep-alive connection across calls and releases it on close()', async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER });
    const c = client();
    for (let i = 0; i < 3; i++) {
      await c.queryOrder({ outTradeNo: '1415757673' });
      // Give undici a moment to return the socket to the pool.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(new Set(server.requests.map((r) => r.connection)).size).toBe(1);
    await c.close();
    await c.close();
    const error = await rejectionOf(c.queryOrder({ outTradeNo: '1415757673' }));
    expect(error.name).toBe('ConnectionError');
  });

  it('an answer slower than timeoutMs is a TimeoutError after the retries', async () => {
    routes['/pay/orderquery'] = async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { fields: SEED_ORDER };
    };
    const error = await rejectionOf(
      client({
        timeoutMs: 50,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      }).queryOrder({ outTradeNo: '1415757673' }),
    );
    expect(error.name).toBe('TimeoutError');
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [429, core.RateLimitedError],
    [401, core.AuthenticationError],
    [404, core.InvalidRequestError],
  ])('HTTP %i maps to its error class', async (status, Class) => {
    routes['/pay/orderquery'] = () => ({ status, rawBody: '' });
    const error = await rejectionOf(
      client({ retry: { maxAttempts: 1 } }).queryOrder({ outTradeNo: '1415757673' }),
    );
    expect(Class.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, code: `HTTP_${status}` });
  });

  it('return_code=FAIL with a known code in err_code or return_msg maps by the code', async () => {
    routes['/pay/orderquery'] = () => ({
      bare: true,
      signWith: false,
      fields: { return_code: 'FAIL', return_msg: 'NOAUTH' },
    });
    expect(
      core.AuthenticationError.isInstance(
        await rejectionOf(client().queryOrder({ outTradeNo: '1415757673' })),
      ),
    ).toBe(true);
  });
});

describe('closeOrder', () => {
  it('closes, and treats ORDERCLOSED as success', async () => {
    routes['/pay/closeorder'] = (_r, i) =>
      i === 0
        ? { fields: { result_msg: 'OK' } }
        : { fields: { result_code: 'FAIL', err_code: 'ORDERCLOSED' } };
    const c = client();
    await expect(c.closeOrder('order-0300')).resolves.toBeUndefined();
    await expect(c.closeOrder('order-0300')).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.fields.out_trade_no)).toEqual(['order-0300', 'order-0300']);
  });

  it('ORDERCLOSED on unifiedorder → OrderClosedError', async () => {
    routes['/pay/unifiedorder'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'ORDERCLOSED' },
    });
    const error = await rejectionOf(
      client().createOrder({
        kind: 'app',
        outTradeNo: 'order-0302',
        description: 'x',
        amount: { total: 1 },
        clientIp: '1.2.3.4',
      }),
    );
    expect(core.OrderClosedError.isInstance(error)).toBe(true);
  });

  it('ORDERPAID → OrderPaidError', async () => {
    routes['/pay/closeorder'] = () => ({ fields: { result_code: 'FAIL', err_code: 'ORDERPAID' } });
    expect(
      core.OrderPaidError.isInstance(await rejectionOf(client().closeOrder('order-0301'))),
    ).toBe(true);
  });
});

describe('refunds', () => {
  it('refund over plain http (simulator) maps the accepted refund', async () => {
    routes['/secapi/pay/refund'] = () => ({
      fields: {
        transaction_id: '4200000215201811190261405420',
        out_trade_no: 'order-0400',
        out_refund_no: 'R-0400',
        refund_id: '50000000382019052709732678859',
        refund_fee: 50,
        total_fee: 100,
        cash_fee: 100,
        cash_refund_fee: 50,
        fee_type: 'CNY',
      },
    });
    const refund = await client().refund({
      order: { outTradeNo: 'order-0400' },
      outRefundNo: 'R-0400',
      amount: { refund: 50, total: 100 },
      reason: '退货',
    });
    expect(server.requests[0]!.fields).toMatchObject({
      out_trade_no: 'order-0400',
      out_refund_no: 'R-0400',
      refund_fee: '50',
      total_fee: '100',
      refund_desc: '退货',
      sign_type: 'MD5',
    });
    expect(refund).toMatchObject({
      outRefundNo: 'R-0400',
      refundId: '50000000382019052709732678859',
      status: 'PROCESSING',
      amount: { refund: 50, total: 100, payerRefund: 50, currency: 'CNY' },
      outTradeNo: 'order-0400',
    });
  });

  it('refund without a client certificate against https is a ConfigError naming the field', async () => {
    const c = client({ baseUrl: 'https://127.0.0.1:1' });
    const error = await rejectionOf(
      c.refund({
        order: { outTradeNo: 'order-0401' },
        outRefundNo: 'R-0401',
        amount: { refund: 1, total: 1 },
      }),
    );
    expect(core.ConfigError.isInstance(error)).toBe(true);
    expect((error as core.ConfigError).issues[0]!.path).toBe('clientCertificate');
  });

  it('queryRefund maps the matching refund (REFUNDCLOSE → CLOSED, CHANGE → ABNORMAL, times UTC+8)', async () => {
    routes['/pay/refundquery'] = () => ({
      fields: {
        transaction_id: '4200000215201811190261405420',
        out_trade_no: 'order-0402',
        total_fee: 300,
        fee_type: 'CNY',
        cash_fee: 300,
        refund_count: 3,
        out_refund_no_0: 'R-A',
        refund_id_0: 'r0',
        refund_fee_0: 100,
        refund_status_0: 'SUCCESS',
        refund_channel_0: 'ORIGINAL',
        refund_recv_accout_0: '支付用户的零钱',
        refund_success_time_0: '2018-11-19 16:24:13',
        out_refund_no_1: 'R-B',
        refund_id_1: 'r1',
        refund_fee_1: 100,
        refund_status_1: 'REFUNDCLOSE',
        out_refund_no_2: 'R-C',
        refund_id_2: 'r2',
        refund_fee_2: 100,
        refund_status_2: 'CHANGE',
      },
    });
    const c = client();
    const a = await c.queryRefund('R-A');
    expect(server.requests[0]!.fields.out_refund_no).toBe('R-A');
    expect(a).toMatchObject({
      outRefundNo: 'R-A',
      refundId: 'r0',
      status: 'SUCCESS',
      amount: { refund: 100, total: 300, currency: 'CNY' },
      channel: 'ORIGINAL',
      receivedAccount: '支付用户的零钱',
      outTradeNo: 'order-0402',
    });
    expect(a.successTime?.toISOString()).toBe('2018-11-19T08:24:13.000Z');
    const all = await c.queryRefunds(
      { transactionId: '4200000215201811190261405420' },
      { offset: 0 },
    );
    expect(all.refunds.map((r) => r.status)).toEqual(['SUCCESS', 'CLOSED', 'ABNORMAL']);
    expect(server.requests[1]!.fields).toMatchObject({
      transaction_id: '4200000215201811190261405420',
      offset: '0',
    });
  });

  it('REFUNDNOTEXIST → RefundNotFoundError', async () => {
    routes['/pay/refundquery'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' },
    });
    expect(
      core.RefundNotFoundError.isInstance(await rejectionOf(client().queryRefund('R-none'))),
    ).toBe(true);
  });

  it('an unknown refund status is a ResponseValidationError', async () => {
    routes['/pay/refundquery'] = () => ({
      fields: { refund_count: 1, out_refund_no_0: 'R-X', refund_status_0: 'MAYBE' },
    });
    expect(
      core.ResponseValidationError.isInstance(await rejectionOf(client().queryRefund('R-X'))),
    ).toBe(true);
  });
});

describe('micropay and reverse', () => {
  const params = {
    outTradeNo: 'mp-0001',
    description: 'store',
    amount: { total: 100 },
    authCode: '134567890123456789',
    clientIp: '10.0.0.9',
  };

  it('a charged payment code returns a SUCCESS order', async () => {
    routes['/pay/micropay'] = () => ({
      fields: {
        out_trade_no: 'mp-0001',
        transaction_id: '4200000001',
        trade_type: 'MICROPAY',
        total_fee: 100,
        cash_fee: 100,
        time_end: '20240101120000',
      },
    });
    const order = await client().micropay(params);
    expect(server.requests[0]!.fields).toMatchObject({
      auth_code: '134567890123456789',
      spbill_create_ip: '10.0.0.9',
    });
    expect(server.requests[0]!.fields.notify_url).toBeUndefined();
    expect(order).toMatchObject({
      state: 'SUCCESS',
      transactionId: '4200000001',
      amount: { total: 100, payerTotal: 100 },
    });
    expect(order.successTime?.toISOString()).toBe('2024-01-01T04:00:00.000Z');
  });

  it('USERPAYING → UserPayingError, and micropay is never retried blindly', async () => {
    routes['/pay/micropay'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'USERPAYING', err_code_des: '需要用户输入支付密码' },
    });
    const error = await rejectionOf(client().micropay(params));
    expect(core.UserPayingError.isInstance(error)).toBe(true);
    routes['/pay/micropay'] = () => ({ fields: { result_code: 'FAIL', err_code: 'SYSTEMERROR' } });
    server.reset();
    expect(core.SystemError.isInstance(await rejectionOf(client().micropay(params)))).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('with awaitUserPaying, polls orderquery until the order settles', async () => {
    routes['/pay/micropay'] = () => ({ fields: { result_code: 'FAIL', err_code: 'USERPAYING' } });
    routes['/pay/orderquery'] = (_r, i) => ({
      fields:
        i < 2
          ? { out_trade_no: 'mp-0001', trade_state: 'USERPAYING' }
          : { ...SEED_ORDER, out_trade_no: 'mp-0001' },
    });
    const order = await client().micropay(params, {
      awaitUserPaying: { initialIntervalMs: 1, maxIntervalMs: 2, timeoutMs: 5_000 },
    });
    expect(order.state).toBe('SUCCESS');
    expect(
      server.requests.filter((r) => r.path === '/pay/orderquery').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('with awaitUserPaying, a SYSTEMERROR charge is queried, never re-sent', async () => {
    routes['/pay/micropay'] = () => ({ fields: { result_code: 'FAIL', err_code: 'SYSTEMERROR' } });
    routes['/pay/orderquery'] = () => ({ fields: { ...SEED_ORDER, out_trade_no: 'mp-0001' } });
    const order = await client().micropay(params, {
      awaitUserPaying: { initialIntervalMs: 1, maxIntervalMs: 2, timeoutMs: 5_000 },
    });
    expect(order.state).toBe('SUCCESS');
    expect(server.requests.filter((r) => r.path === '/pay/micropay')).toHaveLength(1);
  });

  it('with awaitUserPaying, a definite refusal is still thrown at once', async () => {
    routes['/pay/micropay'] = () => ({
      fields: { result_code: 'FAIL', err_code: 'AUTHCODEEXPIRE' },
    });
    const error = await rejectionOf(client().micropay(params, { awaitUserPaying: true }));
    expect(error).toMatchObject({ code: 'AUTHCODEEXPIRE' });
    expect(server.requests.filter((r) => r.path === '/pay/orderquery')).toHaveLength(0);
  });

  it('micropay requires clientIp and a payment code', async () => {
    const error = await rejectionOf(
      client().micropay({ ...params, clientIp: undefined as unknown as string, authCode: 'abc' }),
    );
    expect((error as core.ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'authCode',
      'clientIp',
    ]);
  });

  it('reverse follows recall=Y a bounded number of times', async () => {
    routes['/secapi/pay/reverse'] = (_r, i) =>
      i < 2
        ? { fields: { result_code: 'FAIL', err_code: 'SYSTEMERROR', recall: 'Y' } }
        : { fields: { recall: 'N' } };
    const c = client({ retry: { maxAttempts: 1 } });
    const result = await c.reverseOrder({ outTradeNo: 'mp-0001' }, { recallDelayMs: 1 });
    expect(result).toMatchObject({ recall: false, calls: 3 });
    routes['/secapi/pay/reverse'] = () => ({ fields: { recall: 'Y' } });
    server.reset();
    const stuck = await c.reverseOrder(
      { transactionId: '4200000001' },
      { recallDelayMs: 1, maxRecalls: 2 },
    );
    expect(stuck).toMatchObject({ recall: true, calls: 3 });
    expect(server.requests.map((r) => r.fields.transaction_id)).toEqual([
      '4200000001',
      '4200000001',
      '4200000001',
    ]);
  });
});

describe('configuration and secrets', () => {
  it.each([
    [{ apiKey: 'short' }, 'apiKey'],
    [{ signType: 'SHA1' }, 'signType'],
    [{ notifyUrl: 'https://x.example.com/n?a=1' }, 'notifyUrl'],
    [{ baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ appId: '' }, 'appId'],
    [{ acceptedNotifySignTypes: [] }, 'acceptedNotifySignTypes'],
    [{ clientCertificate: { passphrase: 'x' } }, 'clientCertificate'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ bogus: 1 }, ''],
  ])('%j → ConfigError naming %s', (override, path) => {
    let error: unknown;
    try {
      createV2Client({
        appId: TEST_APP_ID,
        mchId: TEST_MCH_ID,
        apiKey: TEST_API_KEY,
        ...(override as object),
      } as V2ClientConfig);
    } catch (e) {
      error = e;
    }
    expect(core.ConfigError.isInstance(error)).toBe(true);
    expect((error as core.ConfigError).issues.map((i) => i.path)).toContain(path);
  });

  it('never echoes the API key in config errors', () => {
    const secret = 'my-secret-api-key-that-is-too-long-for-v2';
    try {
      createV2Client({ appId: TEST_APP_ID, mchId: TEST_MCH_ID, apiKey: secret });
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(String(error)).not.toContain(secret);
      expect((error as Error).message).toContain('apiKey');
      return;
    }
    throw new Error('expected ConfigError');
  });

  it('a throwing logger does not change the outcome of a call', async () => {
    routes['/pay/orderquery'] = () => ({ fields: SEED_ORDER });
    const order = await client({
      logger: () => {
        throw new Error('logger broke');
      },
    }).queryOrder({ outTradeNo: '1415757673' });
    expect(order.state).toBe('SUCCESS');
  });

  it('errors and logger events never contain the API key or the request body', async () => {
    const events: core.LogEvent[] = [];
    routes['/pay/orderquery'] = (_r, i) =>
      i === 0
        ? { fields: { result_code: 'FAIL', err_code: 'SYSTEMERROR' } }
        : { fields: { result_code: 'FAIL', err_code: 'ORDERNOTEXIST' } };
    const error = await rejectionOf(
      client({ logger: (e) => events.push(e) }).queryOrder({ outTradeNo: 'order-0500' }),
    );
    expect(events.length).toBe(2);
    expect(events[0]).toMatchObject({
      level: 'warn',
      path: '/pay/orderquery',
      errorCode: 'SYSTEMERROR',
      attempt: 1,
    });
    const everything = JSON.stringify([
      events,
      error,
      (error as Error).message,
      (error as Error).stack,
    ]);
    expect(everything).not.toContain(TEST_API_KEY);
  });
});
