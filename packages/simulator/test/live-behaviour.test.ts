import { describe, expect, it } from 'vitest';
import { startNotificationReceiver } from '../src/contract/notification-receiver.js';
import { parseV2, v2Sign, v3Request } from '../src/contract/raw-client.js';
import { startSimulator } from '../src/start-simulator.js';
import { sendRaw } from './support/send-raw.js';
import { useSimulator } from './support/use-simulator.js';
import { refundV3 } from './support/v3-order-requests.js';

// The simulator's answers where live WeChat Pay differs from the doc tables
// (docs/protocol/live-behaviour.md), each over real HTTP.

const env = useSimulator({ prefix: 'LB' });
const { no, v2, v3 } = env;

const v2Order = (outTradeNo: string, total = '888', notifyUrl = 'http://127.0.0.1:9/notify') => ({
  body: 'live',
  out_trade_no: outTradeNo,
  total_fee: total,
  spbill_create_ip: '123.12.12.123',
  notify_url: notifyUrl,
  trade_type: 'NATIVE',
  product_id: 'p1',
});
/** A v2 refund of `refund` fen out of `total` for order `outTradeNo` (out_refund_no `<no>R`). */
const v2Refund = (outTradeNo: string, refund: number, total: number) =>
  v2('/secapi/pay/refund', {
    out_trade_no: outTradeNo,
    out_refund_no: `${outTradeNo}R`,
    total_fee: String(total),
    refund_fee: String(refund),
  });
/** The same refund through v3. */
const v3Refund = (outTradeNo: string, refund: number, total: number) =>
  refundV3(env.sim, outTradeNo, { refund, total });
const v3Order = (outTradeNo: string, total = 100, notifyUrl = 'http://127.0.0.1:9/notify') => ({
  appid: env.sim.merchant.appId,
  mchid: env.sim.merchant.mchId,
  description: 'live',
  out_trade_no: outTradeNo,
  notify_url: notifyUrl,
  amount: { total, currency: 'CNY' },
});

describe('duplicate out_trade_no (both forms)', () => {
  it('answers OUT_TRADE_NO_USED by default and INVALID_REQUEST "201 商户订单号重复" in the live form', async () => {
    for (const form of ['documented', 'live'] as const) {
      env.sim.live.duplicateOrder = form;
      const a = no();
      await v2('/pay/unifiedorder', v2Order(a));
      const dup2 = await v2('/pay/unifiedorder', v2Order(a, '889'));
      const b = no();
      await v3('POST', '/v3/pay/transactions/native', v3Order(b));
      const dup3 = await v3('POST', '/v3/pay/transactions/native', v3Order(b, 101));
      if (form === 'documented') {
        expect(dup2.fields).toMatchObject({ result_code: 'FAIL', err_code: 'OUT_TRADE_NO_USED' });
        expect(dup3.status).toBe(403);
        expect(dup3.json).toMatchObject({ code: 'OUT_TRADE_NO_USED' });
      } else {
        expect(dup2.fields).toMatchObject({
          result_code: 'FAIL',
          err_code: 'INVALID_REQUEST',
          err_code_des: '201 商户订单号重复',
        });
        expect(dup3.status).toBe(400);
        expect(dup3.json).toMatchObject({ code: 'INVALID_REQUEST', message: '201 商户订单号重复' });
      }
    }
    env.sim.live.duplicateOrder = 'documented';
  });

  it('in random mode gives both forms across answers', async () => {
    env.sim.live.duplicateOrder = 'random';
    const codes = new Set<string>();
    for (let i = 0; i < 40 && codes.size < 2; i++) {
      const a = no();
      await v2('/pay/unifiedorder', v2Order(a));
      codes.add((await v2('/pay/unifiedorder', v2Order(a, '889'))).fields.err_code ?? '');
    }
    env.sim.live.duplicateOrder = 'documented';
    expect([...codes].sort()).toEqual(['INVALID_REQUEST', 'OUT_TRADE_NO_USED']);
  });
});

describe('v2 payment notifications (both sign forms)', () => {
  it('documented: sign_type present, signed with the order type; live: no sign_type, MD5-signed', async () => {
    const receiver = await startNotificationReceiver();
    receiver.respond = () => ({
      status: 200,
      body: '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>',
    });
    try {
      for (const form of ['documented', 'live'] as const) {
        env.sim.live.v2NotifySign = form;
        const id = no();
        await v2('/pay/unifiedorder', v2Order(id, '888', receiver.url), 'HMAC-SHA256');
        env.sim.pay(id);
        const n = await receiver.waitFor((r) => r.text.includes(id));
        const fields = parseV2(n.text);
        if (form === 'documented') {
          expect(fields.sign_type).toBe('HMAC-SHA256');
          expect(fields.sign).toBe(v2Sign(fields, env.sim.merchant.apiKey, 'HMAC-SHA256'));
        } else {
          expect(fields.sign_type).toBeUndefined();
          expect(fields.sign).toBe(v2Sign(fields, env.sim.merchant.apiKey, 'MD5'));
        }
      }
    } finally {
      env.sim.live.v2NotifySign = 'documented';
      await receiver.stop();
    }
  });
});

describe('trust mode migrating', () => {
  it('signs callbacks with the public key for the configured share, else the platform certificate', async () => {
    const migrating = await startSimulator({ trust: 'migrating', live: { publicKeyShare: 1 } });
    const receiver = await startNotificationReceiver();
    try {
      const serials: string[] = [];
      for (const share of [1, 0, 0.5]) {
        migrating.live.publicKeyShare = share;
        for (let i = 0; i < (share === 0.5 ? 30 : 1); i++) {
          const id = no('MG');
          await v3Request(
            migrating.url,
            'POST',
            '/v3/pay/transactions/native',
            migrating.merchant,
            {
              ...v3Order(id, 100, receiver.url),
              appid: migrating.merchant.appId,
              mchid: migrating.merchant.mchId,
            },
            { wechatpaySerial: migrating.merchant.wechatpayPublicKey.id },
          );
          migrating.pay(id);
          const k = serials.length;
          await receiver.waitFor(() => receiver.received.length > k);
          serials.push(String(receiver.received[k]?.headers['wechatpay-serial']));
        }
      }
      const pub = migrating.merchant.wechatpayPublicKey.id;
      expect(serials[0]).toBe(pub);
      expect(serials[1]).not.toBe(pub);
      const mixed = new Set(serials.slice(2).map((s) => s === pub));
      expect([...mixed].sort()).toEqual([false, true]);
    } finally {
      await receiver.stop();
      await migrating.stop();
    }
  });
});

describe('closing', () => {
  it('v3: an unknown or already closed order closes with 204; a paid order answers 204 and stays paid', async () => {
    const unknown = await v3('POST', `/v3/pay/transactions/out-trade-no/${no()}/close`, {
      mchid: env.sim.merchant.mchId,
    });
    expect(unknown.status).toBe(204);
    const id = no();
    await v3('POST', '/v3/pay/transactions/native', v3Order(id));
    const close = () =>
      v3('POST', `/v3/pay/transactions/out-trade-no/${id}/close`, {
        mchid: env.sim.merchant.mchId,
      });
    expect((await close()).status).toBe(204);
    expect((await close()).status).toBe(204);
    const paid = no();
    await v3('POST', '/v3/pay/transactions/native', v3Order(paid));
    env.sim.pay(paid, { silent: true });
    const closePaid = await v3('POST', `/v3/pay/transactions/out-trade-no/${paid}/close`, {
      mchid: env.sim.merchant.mchId,
    });
    expect(closePaid.status).toBe(204);
    expect(closePaid.json).toBeUndefined();
    expect(env.sim.getOrder(paid)?.state).toBe('SUCCESS');
  });

  it('v2: closing an unknown order answers like success', async () => {
    const res = await v2('/pay/closeorder', { out_trade_no: no() });
    expect(res.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect(res.fields.err_code).toBeUndefined();
  });

  it('v2: with the 5-minute rule modelled, an early close is refused, a later one succeeds', async () => {
    env.sim.live.v2CloseMinAgeMs = 5 * 60_000;
    try {
      const id = no();
      await v2('/pay/unifiedorder', v2Order(id));
      const early = await v2('/pay/closeorder', { out_trade_no: id });
      expect(early.fields).toMatchObject({ result_code: 'FAIL', err_code: 'SYSTEMERROR' });
      expect(early.fields.err_code_des).toContain('5分钟');
      expect(env.sim.getOrder(id)?.state).toBe('NOTPAY');
      env.sim.advanceTime(5 * 60_000);
      const later = await v2('/pay/closeorder', { out_trade_no: id });
      expect(later.fields).toMatchObject({ result_code: 'SUCCESS' });
      expect(env.sim.getOrder(id)?.state).toBe('CLOSED');
    } finally {
      env.sim.live.v2CloseMinAgeMs = 0;
    }
  });
});

describe('refunds', () => {
  it('v3: refunding an unpaid order is 404 RESOURCE_NOT_EXISTS', async () => {
    const id = no();
    await v3('POST', '/v3/pay/transactions/native', v3Order(id));
    const res = await v3Refund(id, 1, 100);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
  });

  it('a refund above what is left is INVALID_REQUEST in both protocols, never NOTENOUGH', async () => {
    const a = no();
    await v2('/pay/unifiedorder', v2Order(a));
    env.sim.pay(a, { silent: true });
    const over2 = await v2Refund(a, 889, 888);
    expect(over2.fields).toMatchObject({ result_code: 'FAIL', err_code: 'INVALID_REQUEST' });
    const b = no();
    await v3('POST', '/v3/pay/transactions/native', v3Order(b));
    env.sim.pay(b, { silent: true });
    const over3 = await v3Refund(b, 101, 100);
    expect(over3.status).toBe(400);
    expect(over3.json).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('v2 reverse', () => {
  it('answers recall=Y for queued recalls without reversing, then reverses', async () => {
    const id = no();
    env.sim.queueMicropayOutcome('USERPAYING');
    await v2('/pay/micropay', {
      body: 'pos',
      out_trade_no: id,
      total_fee: '1',
      spbill_create_ip: '127.0.0.1',
      auth_code: '134567890123456789',
    });
    env.sim.live.queueReverseRecall(1);
    const first = await v2('/secapi/pay/reverse', { out_trade_no: id });
    expect(first.fields).toMatchObject({ result_code: 'SUCCESS', recall: 'Y' });
    expect(env.sim.getOrder(id)?.state).toBe('USERPAYING');
    const second = await v2('/secapi/pay/reverse', { out_trade_no: id });
    expect(second.fields).toMatchObject({ result_code: 'SUCCESS', recall: 'N' });
    expect(env.sim.getOrder(id)?.state).toBe('REVOKED');
  });
});

describe('v3 request checks', () => {
  it('refuses a notify_url that is not https (loopback http stays usable for local receivers)', async () => {
    const res = await v3(
      'POST',
      '/v3/pay/transactions/native',
      v3Order(no(), 100, 'http://merchant.example/notify'),
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/notify_url' } });
    const v2res = await v2(
      '/pay/unifiedorder',
      v2Order(no(), '1', 'http://merchant.example/notify'),
    );
    expect(v2res.fields.return_code).toBe('FAIL');
    const ok = await v3(
      'POST',
      '/v3/pay/transactions/native',
      v3Order(no(), 100, 'https://merchant.example/notify'),
    );
    expect(ok.status).toBe(200);
  });

  it('answers 400 INVALID_REQUEST naming a missing Accept or User-Agent header', async () => {
    const url = `${env.sim.url}/v3/pay/transactions/out-trade-no/x123456?mchid=${env.sim.merchant.mchId}`;
    const send = async (headers: Record<string, string>) => {
      const answer = await sendRaw(url, 'GET', headers);
      return { status: answer.status, body: answer.text };
    };
    const noAccept = await send({ 'User-Agent': 'test/1' });
    expect(noAccept.status).toBe(400);
    expect(JSON.parse(noAccept.body)).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(JSON.parse(noAccept.body).message).toContain('Accept');
    const noAgent = await send({ Accept: 'application/json' });
    expect(noAgent.status).toBe(400);
    expect(JSON.parse(noAgent.body).message).toContain('User-Agent');
  });
});
