import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, v3Request } from '../../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../../src/start-simulator.js';
import { decryptResource, verifyV3Answer } from '../../src/testing/index.js';
import { billDate } from '../../src/time-format.js';

let sim: Simulator;
let seq = 0;
const no = () => `V3T${Date.now()}${seq++}`;
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.stop();
});

const req = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: Parameters<typeof v3Request>[5] = {},
) => v3Request(sim.url, method, path, sim.merchant, body, options);

const jsapi = (outTradeNo: string, total = 100) => ({
  appid: sim.merchant.appId,
  mchid: sim.merchant.mchId,
  description: 'Image形象店-深圳腾大-QQ公仔',
  out_trade_no: outTradeNo,
  notify_url: 'http://127.0.0.1:9/notify',
  amount: { total, currency: 'CNY' },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
});

function certificateVerifies(res: RawAnswer): boolean {
  const cert = sim.merchant.platformCertificates.find(
    (c) => c.serial === res.headers['wechatpay-serial'],
  )?.pem;
  return cert !== undefined && verifyV3Answer(res.headers, res.text, cert);
}

describe('v3 authentication', () => {
  it('rejects a request signed with a key other than the merchant key: 401 SIGN_ERROR', async () => {
    const res = await v3Request(
      sim.url,
      'POST',
      '/v3/pay/transactions/jsapi',
      { ...sim.merchant, privateKey: strangerKey },
      jsapi(no()),
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: 'SIGN_ERROR' });
  });

  it('rejects a wrong serial, a wrong mchid, a stale or future timestamp and a replayed nonce', async () => {
    const path = `/v3/pay/transactions/out-trade-no/none000001?mchid=${sim.merchant.mchId}`;
    const serial = await v3Request(sim.url, 'GET', path, {
      ...sim.merchant,
      certificateSerial: 'ABCDEF',
    });
    expect(serial.status).toBe(401);
    const mchid = await v3Request(sim.url, 'GET', path, { ...sim.merchant, mchId: '1111111111' });
    expect(mchid.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await req('GET', path, undefined, { timestamp: now - 301 - 5 })).status).toBe(401);
    expect((await req('GET', path, undefined, { timestamp: now + 301 + 5 })).status).toBe(401);
    expect((await req('GET', path, undefined, { timestamp: now - 250 })).status).toBe(404);
    const nonce = `N${Date.now()}`;
    expect((await req('GET', path, undefined, { nonce })).status).toBe(404);
    const replay = await req('GET', path, undefined, { nonce });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ code: 'SIGN_ERROR' });
    const noAuth = await fetch(`${sim.url}${path}`);
    expect(noAuth.status).toBe(401);
    const noAgent = await fetch(`${sim.url}${path}`, { headers: { 'User-Agent': '' } });
    expect(noAgent.status).toBe(400);
  });
});

describe('the simulator clock', () => {
  it('checks request timestamps against the simulator clock and signs answers with it', async () => {
    const path = `/v3/pay/transactions/out-trade-no/none000002?mchid=${sim.merchant.mchId}`;
    sim.advanceTime(3600_000);
    try {
      expect((await req('GET', path)).status).toBe(401);
      const simSeconds = Math.floor(sim.now() / 1000);
      const res = await req('GET', path, undefined, { timestamp: simSeconds });
      expect(res.status).toBe(404);
      expect(Math.abs(Number(res.headers['wechatpay-timestamp']) - simSeconds)).toBeLessThan(5);
    } finally {
      sim.advanceTime(-3600_000);
    }
  });
});

describe('v3 answers are signed', () => {
  it('with the public key when the request names it, else with the platform certificate', async () => {
    const byKey = await req('POST', '/v3/pay/transactions/jsapi', jsapi(no()), {
      wechatpaySerial: sim.merchant.wechatpayPublicKey.id,
    });
    expect(byKey.status).toBe(200);
    expect(byKey.headers['wechatpay-serial']).toBe(sim.merchant.wechatpayPublicKey.id);
    expect(verifyV3Answer(byKey.headers, byKey.text, sim.merchant.wechatpayPublicKey.key)).toBe(
      true,
    );
    expect(byKey.headers['request-id']).toMatch(/^[0-9A-F]{32}$/);

    const byCert = await req('POST', '/v3/pay/transactions/jsapi', jsapi(no()));
    expect(certificateVerifies(byCert)).toBe(true);
    expect(verifyV3Answer(byCert.headers, byCert.text, sim.merchant.wechatpayPublicKey.key)).toBe(
      false,
    );
  });

  it('lists encrypted platform certificates and rotates them', async () => {
    const before = await req('GET', '/v3/certificates');
    expect(certificateVerifies(before)).toBe(true);
    const data = (
      before.json as {
        data: Array<{
          serial_no: string;
          encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string };
        }>;
      }
    ).data;
    expect(data).toHaveLength(1);
    const pem = decryptResource(sim.merchant.apiV3Key, data[0]!.encrypt_certificate);
    expect(pem).toBe(sim.merchant.platformCertificates[0]?.pem);
    expect(sim.merchant.platformCertificates[0]?.serial).toBe(data[0]!.serial_no);
    expect(new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '')).toBe(
      data[0]!.serial_no,
    );

    const serial = await sim.rotatePlatformCertificate();
    const after = await req('GET', '/v3/certificates');
    expect(after.headers['wechatpay-serial']).toBe(serial);
    expect(certificateVerifies(after)).toBe(true);
    expect((after.json as { data: unknown[] }).data).toHaveLength(2);
    // A client still naming the old certificate gets answers it can verify.
    const old = await req('GET', '/v3/certificates', undefined, {
      wechatpaySerial: data[0]!.serial_no,
    });
    expect(old.headers['wechatpay-serial']).toBe(data[0]!.serial_no);
  });

  it('in public-key mode answers /v3/certificates with RESOURCE_NOT_EXISTS and signs with the public key', async () => {
    const pk = await startSimulator({ trust: 'public-key' });
    try {
      const res = await v3Request(pk.url, 'GET', '/v3/certificates', pk.merchant);
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
      expect(res.headers['wechatpay-serial']).toBe(pk.merchant.wechatpayPublicKey.id);
      expect(verifyV3Answer(res.headers, res.text, pk.merchant.wechatpayPublicKey.key)).toBe(true);
    } finally {
      await pk.stop();
    }
  });
});

describe('v3 orders', () => {
  it('creates each kind and validates required fields', async () => {
    const ok = await req('POST', '/v3/pay/transactions/jsapi', jsapi(no()));
    expect(ok.json).toEqual({ prepay_id: expect.stringMatching(/^wx/) });
    const { payer: _p, ...rest } = jsapi(no());
    expect((await req('POST', '/v3/pay/transactions/app', rest)).json).toEqual({
      prepay_id: expect.any(String),
    });
    // The same out_trade_no under another trade type is a different order: refused.
    const sameNo = await req('POST', '/v3/pay/transactions/native', rest);
    expect(sameNo.json).toMatchObject({ code: 'OUT_TRADE_NO_USED' });
    const native = await req('POST', '/v3/pay/transactions/native', {
      ...rest,
      out_trade_no: no(),
    });
    expect(native.json).toEqual({ code_url: expect.stringMatching(/^weixin:\/\//) });
    const h5 = await req('POST', '/v3/pay/transactions/h5', {
      ...rest,
      out_trade_no: no(),
      scene_info: { payer_client_ip: '1.2.3.4', h5_info: { type: 'Wap' } },
    });
    expect(h5.json).toEqual({ h5_url: expect.stringMatching(/^https:\/\//) });
    const noPayer = await req('POST', '/v3/pay/transactions/jsapi', {
      ...rest,
      out_trade_no: no(),
    });
    expect(noPayer.status).toBe(400);
    expect(noPayer.json).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/payer/openid' } });
    const noScene = await req('POST', '/v3/pay/transactions/h5', { ...rest, out_trade_no: no() });
    expect(noScene.status).toBe(400);
  });

  it('query, duplicate, pay with coupons, ORDERPAID, close, ORDER_CLOSED', async () => {
    const id = no();
    const first = await req('POST', '/v3/pay/transactions/jsapi', jsapi(id));
    const again = await req('POST', '/v3/pay/transactions/jsapi', jsapi(id));
    expect(again.json).toEqual(first.json);
    const dup = await req('POST', '/v3/pay/transactions/jsapi', jsapi(id, 101));
    expect(dup.status).toBe(403);
    expect(dup.json).toMatchObject({ code: 'OUT_TRADE_NO_USED' });

    const q = `/v3/pay/transactions/out-trade-no/${id}?mchid=${sim.merchant.mchId}`;
    expect((await req('GET', q)).json).toMatchObject({
      trade_state: 'NOTPAY',
      out_trade_no: id,
      amount: { total: 100 },
    });
    sim.pay(id, { coupons: [{ type: 'NOCASH', amount: 30, name: '满减' }], silent: true });
    const paid = (await req('GET', q)).json as Record<string, unknown>;
    expect(paid).toMatchObject({
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      amount: { total: 100, payer_total: 70, currency: 'CNY', payer_currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      promotion_detail: [{ type: 'NOCASH', amount: 30, name: '满减' }],
    });
    expect(paid.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const byId = await req(
      'GET',
      `/v3/pay/transactions/id/${paid.transaction_id}?mchid=${sim.merchant.mchId}`,
    );
    expect(byId.json).toMatchObject({ out_trade_no: id });

    const close = await req('POST', `/v3/pay/transactions/out-trade-no/${id}/close`, {
      mchid: sim.merchant.mchId,
    });
    // The docs name no answer for closing a paid order: 204, and the order stays paid.
    expect(close.status).toBe(204);
    expect(sim.getOrder(id)?.state).toBe('SUCCESS');
    expect((await req('POST', '/v3/pay/transactions/jsapi', jsapi(id))).json).toMatchObject({
      code: 'ORDERPAID',
    });

    const other = no();
    await req('POST', '/v3/pay/transactions/jsapi', jsapi(other));
    const closed = await req('POST', `/v3/pay/transactions/out-trade-no/${other}/close`, {
      mchid: sim.merchant.mchId,
    });
    expect(closed.status).toBe(204);
    expect(closed.text).toBe('');
    expect(certificateVerifies(closed)).toBe(true);
    const reCreate = await req('POST', '/v3/pay/transactions/jsapi', jsapi(other));
    expect(reCreate.status).toBe(400);
    expect(reCreate.json).toMatchObject({ code: 'ORDER_CLOSED' });
    const missing = await req(
      'GET',
      `/v3/pay/transactions/out-trade-no/missing0001?mchid=${sim.merchant.mchId}`,
    );
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('refunds: create, idempotent retry, over-refund INVALID_REQUEST, query, RESOURCE_NOT_EXISTS', async () => {
    const id = no();
    await req('POST', '/v3/pay/transactions/jsapi', jsapi(id));
    sim.pay(id, { silent: true });
    const body = {
      out_trade_no: id,
      out_refund_no: `${id}R`,
      amount: { refund: 60, total: 100, currency: 'CNY' },
    };
    const r = await req('POST', '/v3/refund/domestic/refunds', body);
    expect(r.json).toMatchObject({
      status: 'PROCESSING',
      amount: { refund: 60, total: 100 },
      out_trade_no: id,
    });
    const again = await req('POST', '/v3/refund/domestic/refunds', body);
    expect((again.json as { refund_id: string }).refund_id).toBe(
      (r.json as { refund_id: string }).refund_id,
    );
    const over = await req('POST', '/v3/refund/domestic/refunds', {
      ...body,
      out_refund_no: `${id}S`,
    });
    expect(over.status).toBe(400);
    expect(over.json).toMatchObject({ code: 'INVALID_REQUEST' });
    sim.completeRefund(`${id}R`);
    const q = await req('GET', `/v3/refund/domestic/refunds/${id}R`);
    expect(q.json).toMatchObject({ status: 'SUCCESS', success_time: expect.any(String) });
    const order = await req(
      'GET',
      `/v3/pay/transactions/out-trade-no/${id}?mchid=${sim.merchant.mchId}`,
    );
    expect(order.json).toMatchObject({ trade_state: 'REFUND' });
    const none = await req('GET', '/v3/refund/domestic/refunds/nothing');
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
  });

  it('expires unpaid orders when the clock passes time_expire', async () => {
    const id = no();
    await req('POST', '/v3/pay/transactions/native', { ...jsapi(id), payer: undefined });
    sim.advanceTime(8 * 24 * 3600_000);
    try {
      expect(sim.getOrder(id)?.state).toBe('CLOSED');
    } finally {
      sim.advanceTime(-8 * 24 * 3600_000);
    }
  });

  it('bills: signed link, unsigned download, SHA-1 over the CSV, gzip', async () => {
    const id = no();
    await req('POST', '/v3/pay/transactions/jsapi', jsapi(id));
    sim.pay(id, { silent: true });
    const date = billDate(sim.now()).dashed;
    const link = await req('GET', `/v3/bill/tradebill?bill_date=${date}&tar_type=GZIP`);
    expect(link.status).toBe(200);
    const { download_url, hash_value, hash_type } = link.json as Record<string, string>;
    expect(hash_type).toBe('SHA1');
    expect(download_url?.startsWith(sim.url)).toBe(true);
    const file = await req('GET', (download_url ?? '').slice(sim.url.length));
    expect(file.headers['wechatpay-signature']).toBeUndefined();
    const csv = gunzipSync(file.body);
    expect(createHash('sha1').update(csv).digest('hex')).toBe(hash_value);
    expect(csv.toString('utf8')).toContain(`\`${id}`);
    const flow = await req('GET', `/v3/bill/fundflowbill?bill_date=${date}`);
    expect(flow.status).toBe(200);
    const empty = await req('GET', '/v3/bill/tradebill?bill_date=2000-01-01');
    expect(empty.json).toMatchObject({ code: 'NO_STATEMENT_EXIST' });
  });
});
