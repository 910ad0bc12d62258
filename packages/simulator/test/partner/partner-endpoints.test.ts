import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Request, v3Request } from '../../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../../src/start-simulator.js';

let sim: Simulator;
let seq = 0;
const no = (p: string) => `${p}${Date.now()}${seq++}`;
const UNBOUND = '1900000109';

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.stop();
});

const subs = () => sim.subMerchants.list();
const v3 = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  v3Request(sim.url, method, path, sim.merchant, body);

const partnerJsapi = (
  outTradeNo: string,
  subMchId: string,
  extra: Record<string, unknown> = {},
) => ({
  sp_appid: sim.merchant.appId,
  sp_mchid: sim.merchant.mchId,
  sub_mchid: subMchId,
  description: 'partner order',
  out_trade_no: outTradeNo,
  notify_url: 'http://127.0.0.1:9/notify',
  amount: { total: 100, currency: 'CNY' },
  payer: { sp_openid: 'oSpOpenid000001' },
  ...extra,
});

describe('simulated service provider', () => {
  it('binds two sub-merchants by default, the first with its own appid', () => {
    expect(subs()).toHaveLength(2);
    expect(subs()[0]?.subAppId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(subs()[1]?.subAppId).toBeUndefined();
    expect(sim.subMerchants.get(UNBOUND)).toBeUndefined();
  });
});

describe('v3 partner endpoints', () => {
  it('creates, queries (partner form) and closes an order for a bound sub-merchant', async () => {
    const [a, b] = subs();
    const outTradeNo = no('P3');
    const created = await v3('POST', '/v3/pay/partner/transactions/jsapi', {
      ...partnerJsapi(outTradeNo, a?.subMchId ?? ''),
      sub_appid: a?.subAppId,
      payer: { sub_openid: 'oSubOpenid00001' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ prepay_id: expect.stringMatching(/^wx/) });
    sim.pay(outTradeNo);
    const q = `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}?sp_mchid=${sim.merchant.mchId}`;
    const mine = await v3('GET', `${q}&sub_mchid=${a?.subMchId}`);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({
      sp_appid: sim.merchant.appId,
      sp_mchid: sim.merchant.mchId,
      sub_appid: a?.subAppId,
      sub_mchid: a?.subMchId,
      trade_state: 'SUCCESS',
      payer: { sub_openid: 'oSubOpenid00001' },
    });
    expect(mine.json).not.toHaveProperty('mchid');
    const byId = await v3(
      'GET',
      `/v3/pay/partner/transactions/id/${(mine.json as { transaction_id: string }).transaction_id}?sp_mchid=${sim.merchant.mchId}&sub_mchid=${a?.subMchId}`,
    );
    expect(byId.json).toMatchObject({ out_trade_no: outTradeNo, sub_mchid: a?.subMchId });
    // Another sub-merchant of the same provider does not see it.
    const other = await v3('GET', `${q}&sub_mchid=${b?.subMchId}`);
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });

    const unpaid = no('P3');
    await v3('POST', '/v3/pay/partner/transactions/native', {
      ...partnerJsapi(unpaid, b?.subMchId ?? ''),
      payer: undefined,
    });
    const close = await v3('POST', `/v3/pay/partner/transactions/out-trade-no/${unpaid}/close`, {
      sp_mchid: sim.merchant.mchId,
      sub_mchid: b?.subMchId,
    });
    expect(close.status).toBe(204);
    expect(sim.getOrder(unpaid)?.state).toBe('CLOSED');
  });

  it('refuses a sub-merchant not bound to the provider: 400 INVALID_REQUEST, nothing created', async () => {
    const outTradeNo = no('P3');
    const res = await v3(
      'POST',
      '/v3/pay/partner/transactions/jsapi',
      partnerJsapi(outTradeNo, UNBOUND),
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      code: 'INVALID_REQUEST',
      message: '服务商和子商户没有绑定关系',
    });
    expect(sim.getOrder(outTradeNo)).toBeUndefined();
    const q = await v3(
      'GET',
      `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}?sp_mchid=${sim.merchant.mchId}&sub_mchid=${UNBOUND}`,
    );
    expect(q.json).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it("refuses a sub_appid that is not the sub-merchant's and a sub_openid without sub_appid", async () => {
    const [a] = subs();
    const wrongApp = await v3('POST', '/v3/pay/partner/transactions/jsapi', {
      ...partnerJsapi(no('P3'), a?.subMchId ?? ''),
      sub_appid: 'wx0000000000000000',
    });
    expect(wrongApp.json).toMatchObject({ code: 'APPID_MCHID_NOT_MATCH' });
    const noApp = await v3('POST', '/v3/pay/partner/transactions/jsapi', {
      ...partnerJsapi(no('P3'), a?.subMchId ?? ''),
      payer: { sub_openid: 'oSub' },
    });
    expect(noApp.json).toMatchObject({ code: 'PARAM_ERROR' });
  });

  it('refunds with sub_mchid and answers the refund query only for that sub-merchant', async () => {
    const [a, b] = subs();
    const outTradeNo = no('P3');
    await v3(
      'POST',
      '/v3/pay/partner/transactions/jsapi',
      partnerJsapi(outTradeNo, a?.subMchId ?? ''),
    );
    sim.pay(outTradeNo);
    const outRefundNo = no('R3');
    const body = {
      sub_mchid: a?.subMchId,
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      amount: { refund: 40, total: 100, currency: 'CNY' },
    };
    const foreign = await v3('POST', '/v3/refund/domestic/refunds', {
      ...body,
      sub_mchid: b?.subMchId,
    });
    expect(foreign.status).toBe(404);
    const res = await v3('POST', '/v3/refund/domestic/refunds', body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ out_refund_no: outRefundNo, status: 'PROCESSING' });
    const q = await v3(
      'GET',
      `/v3/refund/domestic/refunds/${outRefundNo}?sub_mchid=${a?.subMchId}`,
    );
    expect(q.json).toMatchObject({ out_refund_no: outRefundNo });
    const qOther = await v3(
      'GET',
      `/v3/refund/domestic/refunds/${outRefundNo}?sub_mchid=${b?.subMchId}`,
    );
    expect(qOther.status).toBe(404);
  });
});

describe('v2 partner calls', () => {
  const call = (path: string, fields: Record<string, string>) =>
    v2Request(sim.url, path, sim.merchant, fields);
  const order = (outTradeNo: string, extra: Record<string, string>) => ({
    body: 'partner order',
    out_trade_no: outTradeNo,
    total_fee: '100',
    spbill_create_ip: '123.12.12.123',
    notify_url: 'http://127.0.0.1:9/notify',
    trade_type: 'JSAPI',
    ...extra,
  });

  it('carries sub_mch_id, sub_appid and sub_openid through order creation and query', async () => {
    const [a, b] = subs();
    const outTradeNo = no('P2');
    const created = await call(
      '/pay/unifiedorder',
      order(outTradeNo, {
        sub_mch_id: a?.subMchId ?? '',
        sub_appid: a?.subAppId ?? '',
        sub_openid: 'oSubOpenid00002',
      }),
    );
    expect(created.fields).toMatchObject({
      result_code: 'SUCCESS',
      sub_mch_id: a?.subMchId,
      sub_appid: a?.subAppId,
    });
    sim.pay(outTradeNo);
    const q = await call('/pay/orderquery', {
      out_trade_no: outTradeNo,
      sub_mch_id: a?.subMchId ?? '',
    });
    expect(q.fields).toMatchObject({
      trade_state: 'SUCCESS',
      sub_mch_id: a?.subMchId,
      sub_openid: 'oSubOpenid00002',
    });
    const other = await call('/pay/orderquery', {
      out_trade_no: outTradeNo,
      sub_mch_id: b?.subMchId ?? '',
    });
    expect(other.fields).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
  });

  it('refuses a sub-merchant not bound to the provider: return_code FAIL 受理关系不存在', async () => {
    const outTradeNo = no('P2');
    const res = await call(
      '/pay/unifiedorder',
      order(outTradeNo, { sub_mch_id: UNBOUND, openid: 'oSpOpenid000001' }),
    );
    expect(res.fields).toMatchObject({ return_code: 'FAIL', return_msg: '受理关系不存在' });
    expect(res.fields.sign).toBeUndefined();
    expect(sim.getOrder(outTradeNo)).toBeUndefined();
  });
});
