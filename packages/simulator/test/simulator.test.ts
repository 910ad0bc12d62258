import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../src/contract/notification-receiver.js';
import { parseV2, v2Request, v2Sign, v3Request } from '../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../src/start-simulator.js';
import { decryptReqInfo, decryptResource, verifyV3Answer } from '../src/testing/index.js';
import { refundV3 } from './support/v3-order-requests.js';

let sim: Simulator;
let receiver: NotificationReceiver;
let seq = 0;
const no = (p = 'SIM') => `${p}${Date.now()}${seq++}`;
const V2_ACK =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

beforeAll(async () => {
  [sim, receiver] = await Promise.all([startSimulator(), startNotificationReceiver()]);
});
afterAll(async () => {
  await Promise.all([sim.stop(), receiver.stop()]);
});

const v2Order = (outTradeNo: string, notifyUrl = receiver.url) =>
  v2Request(
    sim.url,
    '/pay/unifiedorder',
    sim.merchant,
    {
      body: 'book',
      out_trade_no: outTradeNo,
      total_fee: '300',
      spbill_create_ip: '127.0.0.1',
      notify_url: notifyUrl,
      trade_type: 'NATIVE',
      product_id: 'P1',
    },
    'HMAC-SHA256',
  );
const v3Order = (outTradeNo: string, notifyUrl = receiver.url) =>
  v3Request(sim.url, 'POST', '/v3/pay/transactions/native', sim.merchant, {
    appid: sim.merchant.appId,
    mchid: sim.merchant.mchId,
    description: 'book',
    out_trade_no: outTradeNo,
    notify_url: notifyUrl,
    amount: { total: 300, currency: 'CNY' },
  });
const v3Query = (outTradeNo: string) =>
  v3Request(
    sim.url,
    'GET',
    `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${sim.merchant.mchId}`,
    sim.merchant,
  );

describe('one order book for both protocols', () => {
  it('a v2 order is read, paid and refunded through v3, and a v3 order through v2', async () => {
    const a = no();
    await v2Order(a);
    expect((await v3Query(a)).json).toMatchObject({
      trade_state: 'NOTPAY',
      out_trade_no: a,
      amount: { total: 300 },
    });
    sim.pay(a, { silent: true });
    const paid = (await v3Query(a)).json as { transaction_id: string };
    const v2view = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: a });
    expect(v2view.fields.transaction_id).toBe(paid.transaction_id);
    const refund = await v3Request(sim.url, 'POST', '/v3/refund/domestic/refunds', sim.merchant, {
      transaction_id: paid.transaction_id,
      out_refund_no: `${a}R`,
      amount: { refund: 300, total: 300, currency: 'CNY' },
    });
    expect(refund.status).toBe(200);
    const v2refund = await v2Request(sim.url, '/pay/refundquery', sim.merchant, {
      out_refund_no: `${a}R`,
    });
    expect(v2refund.fields).toMatchObject({ refund_status_0: 'PROCESSING', refund_fee_0: '300' });

    const b = no();
    await v3Order(b);
    const q = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: b });
    expect(q.fields).toMatchObject({ result_code: 'SUCCESS', trade_state: 'NOTPAY' });
    // Identical parameters through the other protocol: same order, not a duplicate.
    expect((await v2Order(b)).fields.result_code).toBe('SUCCESS');
    const closed = await v2Request(sim.url, '/pay/closeorder', sim.merchant, { out_trade_no: b });
    expect(closed.fields.result_code).toBe('SUCCESS');
    expect((await v3Query(b)).json).toMatchObject({ trade_state: 'CLOSED' });
  });

  it('moves orders only through the state machine', () => {
    const id = no();
    return v3Order(id).then(() => {
      sim.close(id);
      expect(() => sim.pay(id)).toThrow(/CLOSED -> SUCCESS/);
      expect(sim.getOrder(id)?.state).toBe('CLOSED');
    });
  });
});

describe('notifications', () => {
  it('never sends a notification off the machine unless allowRemoteNotify is set', async () => {
    const id = no();
    await v2Order(id, 'https://merchant.example.com/wxpay/notify');
    sim.pay(id);
    const attempt = await sim.notifications.waitFor((n) => n.outTradeNo === id);
    expect(attempt.acknowledged).toBe(false);
    expect(attempt.status).toBeUndefined();
    expect(attempt.error).toMatch(/not a loopback host/);
  });

  it('v2 payment: signed XML with the order sign type, acknowledged', async () => {
    receiver.respond = () => ({ status: 200, body: V2_ACK });
    const id = no();
    await v2Order(id);
    sim.pay(id);
    const attempt = await sim.notifications.waitFor((n) => n.outTradeNo === id);
    expect(attempt).toMatchObject({
      protocol: 'v2',
      type: 'payment',
      attempt: 1,
      acknowledged: true,
    });
    const got = await receiver.waitFor((n) => n.text.includes(id));
    const fields = parseV2(got.text);
    expect(fields).toMatchObject({
      out_trade_no: id,
      result_code: 'SUCCESS',
      total_fee: '300',
      sign_type: 'HMAC-SHA256',
    });
    expect(fields.sign).toBe(v2Sign(fields, sim.merchant.apiKey, 'HMAC-SHA256'));
    sim.sendPaymentNotification(id, { v2SignType: 'MD5' });
    const md5 = await sim.notifications.waitFor(
      (n) => n.outTradeNo === id && n.body.includes('[MD5]'),
    );
    const md5Fields = parseV2(md5.body);
    expect(md5Fields.sign).toBe(v2Sign(md5Fields, sim.merchant.apiKey, 'MD5'));
  });

  it('v3 payment: signed and encrypted, verifiable with the key the order was created under', async () => {
    receiver.respond = () => ({ status: 204 });
    const id = no();
    await v3Order(id);
    sim.pay(id);
    const attempt = await sim.notifications.waitFor((n) => n.outTradeNo === id);
    expect(attempt.acknowledged).toBe(true);
    const got = await receiver.waitFor((n) => n.text === attempt.body);
    const headers = got.headers as Record<string, string>;
    const cert = sim.merchant.platformCertificates.find(
      (c) => c.serial === headers['wechatpay-serial'],
    )?.pem;
    expect(cert).toBeDefined();
    expect(verifyV3Answer(headers, got.text, cert ?? '')).toBe(true);
    const body = JSON.parse(got.text) as {
      event_type: string;
      resource: { nonce: string; associated_data: string; ciphertext: string };
    };
    expect(body.event_type).toBe('TRANSACTION.SUCCESS');
    const tx = JSON.parse(decryptResource(sim.merchant.apiV3Key, body.resource)) as Record<
      string,
      unknown
    >;
    expect(tx).toMatchObject({
      out_trade_no: id,
      trade_state: 'SUCCESS',
      mchid: sim.merchant.mchId,
    });
  });

  it('redelivers until acknowledged, with the same id, bounded by the retry schedule', async () => {
    let calls = 0;
    receiver.respond = () =>
      ++calls < 3 ? { status: 500, body: '{"code":"FAIL","message":"busy"}' } : { status: 204 };
    const id = no();
    await v3Order(id);
    sim.pay(id);
    const ok = await sim.notifications.waitFor((n) => n.outTradeNo === id && n.acknowledged);
    expect(ok.attempt).toBe(3);
    const all = sim.notifications.forOrder(id);
    expect(all.map((a) => a.status)).toEqual([500, 500, 204]);
    expect(new Set(all.map((a) => a.id)).size).toBe(1);

    receiver.respond = () => ({ status: 500 });
    const never = no();
    await v3Order(never);
    sim.pay(never);
    await sim.notifications.waitFor((n) => n.outTradeNo === never && n.attempt === 6);
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(never)).toHaveLength(6);
    receiver.respond = () => ({ status: 204 });
  });

  it('v2 refund: req_info encrypted with md5(API key), no sign', async () => {
    receiver.respond = () => ({ status: 200, body: V2_ACK });
    const id = no();
    await v2Order(id);
    sim.pay(id, { silent: true });
    await v2Request(sim.url, '/secapi/pay/refund', sim.merchant, {
      out_trade_no: id,
      out_refund_no: `${id}R`,
      total_fee: '300',
      refund_fee: '100',
    });
    sim.completeRefund(`${id}R`);
    const attempt = await sim.notifications.waitFor((n) => n.outRefundNo === `${id}R`);
    const outer = parseV2(attempt.body);
    expect(outer.sign).toBeUndefined();
    const inner = decryptReqInfo(sim.merchant.apiKey, outer.req_info ?? '');
    expect(inner).toMatch(/^<root>/);
    expect(inner).toContain(`<out_refund_no><![CDATA[${id}R]]></out_refund_no>`);
    expect(inner).toContain('<refund_status><![CDATA[SUCCESS]]></refund_status>');
  });

  it('v3 refund and a skewed re-sent payment notification', async () => {
    receiver.respond = () => ({ status: 204 });
    const id = no();
    await v3Order(id);
    sim.pay(id, { silent: true });
    await refundV3(sim, id, { refund: 300, total: 300 });
    sim.refund(`${id}R`, 'ABNORMAL');
    const attempt = await sim.notifications.waitFor((n) => n.outRefundNo === `${id}R`);
    expect(JSON.parse(attempt.body)).toMatchObject({ event_type: 'REFUND.ABNORMAL' });

    sim.sendPaymentNotification(id, { timestampOffsetSeconds: -900 });
    const skewed = await sim.notifications.waitFor(
      (n) => n.outTradeNo === id && n.type === 'payment',
    );
    expect(Number(skewed.headers['Wechatpay-Timestamp'])).toBeLessThan(Date.now() / 1000 - 800);
  });
});

describe('faults', () => {
  it('status: answers 5xx without processing; the next request succeeds', async () => {
    const id = no();
    sim.faults.push({ kind: 'status', status: 503, path: '/v3/pay/transactions/native' });
    const failed = await v3Order(id);
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(sim.getOrder(id)).toBeUndefined();
    expect((await v3Order(id)).status).toBe(200);
    const log = sim.requests.filter((r) => r.body.includes(id));
    expect(log.map((r) => r.status)).toEqual([503, 200]);
    expect(log[0]?.fault).toBe('status');
    expect(log[0]?.nonce).toBeDefined();
  });

  it('429 with Retry-After, v2 5xx', async () => {
    sim.faults.push({ kind: 'status', status: 429, retryAfterSeconds: 2, protocol: 'v3' });
    const limited = await v3Query('whatever01');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.json).toMatchObject({ code: 'FREQUENCY_LIMITED' });
    sim.faults.push({ kind: 'status', protocol: 'v2' });
    const v2 = await v2Request(sim.url, '/pay/orderquery', sim.merchant, {
      out_trade_no: 'whatever01',
    });
    expect(v2.status).toBe(500);
  });

  it('bad and probe signatures (v3), bad sign (v2)', async () => {
    const id = no();
    await v3Order(id);
    sim.faults.push({ kind: 'bad-signature', protocol: 'v3' });
    const bad = await v3Query(id);
    expect(bad.status).toBe(200);
    expect(
      verifyV3Answer(bad.headers, bad.text, sim.merchant.platformCertificates.at(-1)?.pem ?? ''),
    ).toBe(false);
    sim.faults.push({ kind: 'probe-signature', protocol: 'v3' });
    const probe = await v3Query(id);
    expect(probe.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    const good = await v3Query(id);
    expect(
      verifyV3Answer(good.headers, good.text, sim.merchant.platformCertificates.at(-1)?.pem ?? ''),
    ).toBe(true);

    sim.faults.push({ kind: 'bad-signature', protocol: 'v2' });
    const v2 = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: id });
    expect(v2.fields.sign).not.toBe(v2Sign(v2.fields, sim.merchant.apiKey, 'MD5'));
    // v2 "probe": signed with the other algorithm than the request named.
    sim.faults.push({ kind: 'probe-signature', protocol: 'v2' });
    const swapped = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: id });
    expect(swapped.fields.sign).toBe(v2Sign(swapped.fields, sim.merchant.apiKey, 'HMAC-SHA256'));
    sim.faults.push({ kind: 'unknown-key', protocol: 'v2' });
    const foreign = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: id });
    expect(foreign.fields.sign).toHaveLength(32);
    expect(foreign.fields.sign).not.toBe(v2Sign(foreign.fields, sim.merchant.apiKey, 'MD5'));
  });

  it('unsigned answers, skewed timestamps and rewritten (still validly signed) answers', async () => {
    const id = no();
    await v3Order(id);
    sim.faults.push({ kind: 'unsigned', protocol: 'v3' });
    const unsigned = await v3Query(id);
    expect(unsigned.headers['wechatpay-signature']).toBeUndefined();
    expect(unsigned.headers['wechatpay-timestamp']).toBeDefined();
    sim.faults.push({ kind: 'unsigned', protocol: 'v2' });
    const v2 = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: id });
    expect(v2.fields.return_code).toBe('SUCCESS');
    expect(v2.fields.sign).toBeUndefined();

    sim.faults.push({ kind: 'unknown-key', protocol: 'v3' });
    const stranger = await v3Query(id);
    expect(stranger.headers['wechatpay-serial']).not.toBe(sim.merchant.wechatpayPublicKey.id);
    expect(
      sim.merchant.platformCertificates.some((c) =>
        verifyV3Answer(stranger.headers, stranger.text, c.pem),
      ),
    ).toBe(false);

    sim.faults.push({ kind: 'skewed-timestamp', skewSeconds: -400 });
    const stale = await v3Query(id);
    expect(Number(stale.headers['wechatpay-timestamp'])).toBeLessThan(Date.now() / 1000 - 390);
    expect(
      verifyV3Answer(
        stale.headers,
        stale.text,
        sim.merchant.platformCertificates.at(-1)?.pem ?? '',
      ),
    ).toBe(true);

    sim.faults.push({
      kind: 'rewrite',
      rewrite: (a) => ({ ...a, trade_state: 'FROZEN' }),
      times: 2,
    });
    const odd = await v3Query(id);
    expect(odd.json).toMatchObject({ trade_state: 'FROZEN' });
    expect(
      verifyV3Answer(odd.headers, odd.text, sim.merchant.platformCertificates.at(-1)?.pem ?? ''),
    ).toBe(true);
    const oddV2 = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: id });
    expect(oddV2.fields.trade_state).toBe('FROZEN');
    expect(oddV2.fields.sign).toBe(v2Sign(oddV2.fields, sim.merchant.apiKey, 'MD5'));
  });

  it('reset, truncate and latency', async () => {
    sim.faults.push({ kind: 'reset', path: '/pay/orderquery' });
    await expect(
      v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: 'abcdef1' }),
    ).rejects.toThrow();
    sim.faults.push({ kind: 'truncate', path: '/pay/orderquery' });
    await expect(
      v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: 'abcdef1' }),
    ).rejects.toThrow();
    sim.faults.push({ kind: 'latency', latencyMs: 400, path: '/pay/orderquery' });
    await expect(
      request(`${sim.url}/pay/orderquery`, {
        method: 'POST',
        body: '<xml></xml>',
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    expect(sim.faults.pending).toHaveLength(0);
    const after = await v2Request(sim.url, '/pay/orderquery', sim.merchant, {
      out_trade_no: 'abcdef1',
    });
    expect(after.fields.err_code).toBe('ORDERNOTEXIST');
  });
});

describe('control surface over HTTP', () => {
  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/__sim${path}`, {
      method,
      ...(body
        ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
        : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('pays, fails, expires, completes refunds, scripts faults, moves time', async () => {
    const a = no();
    await v3Order(a);
    const paid = await control('POST', '/pay', {
      outTradeNo: a,
      coupons: [{ type: 'CASH', amount: 10 }],
      silent: true,
    });
    expect(paid.json).toMatchObject({ state: 'SUCCESS', coupons: [{ type: 'CASH', amount: 10 }] });
    expect((await control('GET', `/orders/${a}`)).json.state).toBe('SUCCESS');
    expect((await control('POST', '/expire', { outTradeNo: a })).status).toBe(409);
    expect((await control('GET', '/orders/nope')).status).toBe(404);
    const b = no();
    await v3Order(b);
    expect((await control('POST', '/user-paying', { outTradeNo: b })).json.state).toBe(
      'USERPAYING',
    );
    expect((await control('POST', '/fail', { outTradeNo: b })).json.state).toBe('PAYERROR');
    const c = no();
    await v3Order(c);
    expect((await control('POST', '/expire', { outTradeNo: c })).json.state).toBe('CLOSED');
    await refundV3(sim, a, { refund: 1, total: 300 });
    expect(
      (await control('POST', '/refunds/complete', { outRefundNo: `${a}R`, status: 'CLOSED' })).json
        .status,
    ).toBe('CLOSED');
    expect(
      (await control('POST', '/faults', { kind: 'status', status: 500, path: '/v3/certificates' }))
        .json.pending,
    ).toBe(1);
    expect((await v3Request(sim.url, 'GET', '/v3/certificates', sim.merchant)).status).toBe(500);
    expect((await control('POST', '/faults', { kind: 'nope' })).status).toBe(400);
    const before = sim.now();
    const moved = await control('POST', '/advance-time', { ms: 1000 });
    expect(moved.json.now as number).toBeGreaterThanOrEqual(before + 1000);
    sim.advanceTime(-1000);
    sim.faults.clear();
    expect((await control('POST', '/micropay-outcomes', { outcomes: ['NOTENOUGH'] })).status).toBe(
      200,
    );
    const mp = await v2Request(sim.url, '/pay/micropay', sim.merchant, {
      body: 'x',
      out_trade_no: no(),
      total_fee: '5',
      spbill_create_ip: '1.2.3.4',
      auth_code: '134567890123456789',
    });
    expect(mp.fields.err_code).toBe('NOTENOUGH');
    expect((await control('POST', '/micropay-outcomes', { outcomes: ['BOGUS'] })).status).toBe(400);
    receiver.respond = () => ({ status: 204 });
    expect(
      (await control('POST', '/notify', { outTradeNo: a, timestampOffsetSeconds: -30 })).status,
    ).toBe(200);
    await sim.notifications.waitFor((n) => n.outTradeNo === a && n.type === 'payment');
    const attempts = await fetch(`${sim.url}/__sim/notifications`).then(
      (r) => r.json() as Promise<unknown[]>,
    );
    expect(attempts.length).toBe(sim.notifications.attempts.length);
    const requests = await fetch(`${sim.url}/__sim/requests`).then(
      (r) => r.json() as Promise<unknown[]>,
    );
    expect(requests.length).toBe(sim.requests.length);
    const merchant = await control('GET', '/merchant');
    expect(merchant.json.mchId).toBe(sim.merchant.mchId);
    expect(JSON.stringify(merchant.json)).not.toContain(sim.merchant.apiKey);
  });
});
