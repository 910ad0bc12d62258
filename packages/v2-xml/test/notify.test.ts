import {
  AnswerMismatchError,
  DecryptionError,
  MalformedMessageError,
  type PaymentNotification,
  SignatureVerificationError,
} from '@wxpay/core';
import { type LocalServer, rejectionOf, startLocalServer } from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAcknowledgement,
  buildXml,
  createNodeNotificationHandler,
  createV2Client,
  createWebNotificationHandler,
  encryptReqInfo,
  reqInfoKey,
  type SignType,
  signFields,
  type V2ClientConfig,
} from '../src/index.js';
import { TEST_API_KEY, TEST_APP_ID, TEST_MCH_ID } from './support/keys.js';

const SUCCESS_ACK =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

function config(overrides: Partial<V2ClientConfig> = {}): V2ClientConfig {
  return {
    appId: TEST_APP_ID,
    mchId: TEST_MCH_ID,
    apiKey: TEST_API_KEY,
    baseUrl: 'http://127.0.0.1:9',
    ...overrides,
  };
}

const PAYMENT = {
  return_code: 'SUCCESS',
  return_msg: 'OK',
  appid: TEST_APP_ID,
  mch_id: TEST_MCH_ID,
  nonce_str: '5d2b6c2a8db53831f7eda20af46e531c',
  result_code: 'SUCCESS',
  openid: 'oUpF8uMEb4qRXf22hE3X68TekukE',
  is_subscribe: 'N',
  trade_type: 'JSAPI',
  bank_type: 'CFT',
  total_fee: '100',
  fee_type: 'CNY',
  cash_fee: '100',
  transaction_id: '4200000215201811190261405420',
  out_trade_no: 'notify-0001',
  attach: '',
  time_end: '20181119162413',
};

function paymentBody(
  fields: Record<string, string> = PAYMENT,
  signType: SignType = 'MD5',
  key = TEST_API_KEY,
): string {
  return buildXml({ ...fields, sign: signFields(fields, key, signType) });
}

function refundBody(status = 'SUCCESS', key = TEST_API_KEY): string {
  const info = buildXml(
    {
      transaction_id: '4200000215201811190261405420',
      out_trade_no: 'notify-0001',
      refund_id: '50000408942018111907145868882',
      out_refund_no: 'R20181119001',
      total_fee: 100,
      refund_fee: 100,
      settlement_refund_fee: 100,
      refund_status: status,
      success_time: '2018-11-19 16:24:13',
      refund_recv_accout: '支付用户零钱',
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_request_source: 'API',
    },
    'root',
  );
  return buildXml({
    return_code: 'SUCCESS',
    appid: TEST_APP_ID,
    mch_id: TEST_MCH_ID,
    nonce_str: 'abc',
    req_info: encryptReqInfo(info, reqInfoKey(key)),
  });
}

describe('parseNotification: payments', () => {
  const md5Client = createV2Client(config({ acceptedNotifySignTypes: ['MD5'] }));

  it('verifies and maps a payment notification with a stable id', async () => {
    const body = paymentBody();
    const n = await md5Client.parseNotification({ headers: {}, body });
    expect(n).toMatchObject({
      type: 'payment',
      id: 'v2:payment:4200000215201811190261405420',
      order: {
        outTradeNo: 'notify-0001',
        state: 'SUCCESS',
        amount: { total: 100, payerTotal: 100, currency: 'CNY' },
        payer: { openid: 'oUpF8uMEb4qRXf22hE3X68TekukE' },
        subscribed: false,
      },
    });
    if (n.type !== 'payment') throw new Error(`expected a payment notification, got ${n.type}`);
    expect(n.order.successTime?.toISOString()).toBe('2018-11-19T08:24:13.000Z');
    const again = await md5Client.parseNotification({ headers: {}, body: Buffer.from(body) });
    expect(again.id).toBe(n.id);
  });

  it('a FAIL result maps to PAYERROR', async () => {
    const n = await md5Client.parseNotification({
      headers: {},
      body: paymentBody({ ...PAYMENT, result_code: 'FAIL', err_code: 'NOTENOUGH' }),
    });
    expect(n.type === 'payment' && n.order.state).toBe('PAYERROR');
  });

  it.each([
    ['a missing sign', buildXml(PAYMENT)],
    [
      'a tampered amount',
      paymentBody().replace('<total_fee>100</total_fee>', '<total_fee>1</total_fee>'),
    ],
    ['another key', paymentBody(PAYMENT, 'MD5', 'ffffffffffffffffffffffffffffffff')],
    ['an HMAC sign on an MD5-only client', paymentBody(PAYMENT, 'HMAC-SHA256')],
    ['a sign of an unknown length', buildXml({ ...PAYMENT, sign: 'ABCDEF' })],
  ])('rejects %s with SignatureVerificationError', async (_name, body) => {
    expect(
      SignatureVerificationError.isInstance(
        await rejectionOf(md5Client.parseNotification({ headers: {}, body })),
      ),
    ).toBe(true);
  });

  it('never trusts the message sign_type: the allow-list decides', async () => {
    const claimsHmac = { ...PAYMENT, sign_type: 'HMAC-SHA256' };
    const hmacOnly = createV2Client(
      config({ signType: 'HMAC-SHA256', acceptedNotifySignTypes: ['HMAC-SHA256'] }),
    );
    // MD5-signed while claiming HMAC: an HMAC-only client refuses it…
    const error = await rejectionOf(
      hmacOnly.parseNotification({ headers: {}, body: paymentBody(claimsHmac, 'MD5') }),
    );
    expect(SignatureVerificationError.isInstance(error)).toBe(true);
    // …and a client that allows both verifies it as MD5 by its length.
    const both = createV2Client(
      config({ signType: 'HMAC-SHA256', acceptedNotifySignTypes: ['HMAC-SHA256', 'MD5'] }),
    );
    await expect(
      both.parseNotification({ headers: {}, body: paymentBody(claimsHmac, 'MD5') }),
    ).resolves.toMatchObject({
      type: 'payment',
    });
    await expect(
      both.parseNotification({ headers: {}, body: paymentBody(PAYMENT, 'HMAC-SHA256') }),
    ).resolves.toMatchObject({
      type: 'payment',
    });
    await Promise.all([hmacOnly.close(), both.close()]);
  });

  it('a correctly signed notification for another merchant is refused', async () => {
    const error = await rejectionOf(
      md5Client.parseNotification({ headers: {}, body: paymentBody({ ...PAYMENT, mch_id: '1' }) }),
    );
    expect(AnswerMismatchError.isInstance(error)).toBe(true);
    const other = await rejectionOf(
      md5Client.parseNotification({
        headers: {},
        body: paymentBody({ ...PAYMENT, appid: 'wx0000000000000000' }),
      }),
    );
    expect((other as AnswerMismatchError).field).toBe('appid');
  });

  it('DOCTYPE and oversized bodies are MalformedMessageError', async () => {
    const doctype = `<!DOCTYPE xml [<!ENTITY x "y">]>${paymentBody()}`;
    expect(
      MalformedMessageError.isInstance(
        await rejectionOf(md5Client.parseNotification({ headers: {}, body: doctype })),
      ),
    ).toBe(true);
    const huge = paymentBody({ ...PAYMENT, attach: 'x'.repeat(1024 * 1024) });
    expect(
      MalformedMessageError.isInstance(
        await rejectionOf(md5Client.parseNotification({ headers: {}, body: huge })),
      ),
    ).toBe(true);
  });
});

describe('parseNotification: refunds', () => {
  const c = createV2Client(config());

  it('decrypts req_info and maps the refund (REFUNDCLOSE → CLOSED)', async () => {
    const n = await c.parseNotification({ headers: {}, body: refundBody() });
    expect(n.type).toBe('refund');
    if (n.type !== 'refund') throw new Error('type');
    expect(n.id).toBe('v2:refund:50000408942018111907145868882:SUCCESS');
    expect(n.refund).toMatchObject({
      outRefundNo: 'R20181119001',
      refundId: '50000408942018111907145868882',
      outTradeNo: 'notify-0001',
      status: 'SUCCESS',
      amount: { refund: 100, total: 100 },
      receivedAccount: '支付用户零钱',
    });
    expect(n.refund.successTime?.toISOString()).toBe('2018-11-19T08:24:13.000Z');
    const closed = await c.parseNotification({ headers: {}, body: refundBody('REFUNDCLOSE') });
    expect(closed.type === 'refund' && closed.refund.status).toBe('CLOSED');
    expect(closed.id).not.toBe(n.id);
  });

  it('a req_info encrypted with another key is a DecryptionError', async () => {
    const error = await rejectionOf(
      c.parseNotification({ headers: {}, body: refundBody('SUCCESS', 'e'.repeat(32)) }),
    );
    expect(DecryptionError.isInstance(error)).toBe(true);
  });

  it('decryption and verification errors carry neither the API key nor the derived key', async () => {
    const derived = reqInfoKey(TEST_API_KEY).toString('ascii');
    const errors = [
      await rejectionOf(
        c.parseNotification({ headers: {}, body: refundBody('SUCCESS', 'e'.repeat(32)) }),
      ),
      await rejectionOf(
        c.parseNotification({ headers: {}, body: paymentBody(PAYMENT, 'MD5', 'f'.repeat(32)) }),
      ),
    ];
    for (const error of errors) {
      const text = JSON.stringify([
        error,
        error.message,
        error.stack,
        (error as { cause?: unknown }).cause,
      ]);
      expect(text).not.toContain(TEST_API_KEY);
      expect(text).not.toContain(derived);
    }
  });

  it('a mangled req_info is a DecryptionError', async () => {
    const body = buildXml({
      return_code: 'SUCCESS',
      appid: TEST_APP_ID,
      mch_id: TEST_MCH_ID,
      req_info: 'AAAA',
    });
    expect(
      DecryptionError.isInstance(await rejectionOf(c.parseNotification({ headers: {}, body }))),
    ).toBe(true);
  });
});

describe('buildAcknowledgement', () => {
  it('success is the exact XML of docs/protocol/v2.md with HTTP 200', () => {
    expect(buildAcknowledgement(true)).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: SUCCESS_ACK,
    });
  });

  it('failure asks for redelivery with a short message', () => {
    expect(buildAcknowledgement(false, 'busy').body).toBe(
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>',
    );
  });
});

describe('createNodeNotificationHandler over real HTTP', () => {
  const c = createV2Client(config());
  const received: PaymentNotification[] = [];
  let fail = false;
  let server: LocalServer;

  beforeAll(async () => {
    const handler = createNodeNotificationHandler(
      c,
      (n) => {
        if (fail) throw new Error('database down: secret connection string');
        received.push(n);
      },
      { maxBodyBytes: 8 * 1024 },
    );
    server = await startLocalServer(handler);
  });
  afterAll(() => server.stop());

  const post = (body: string) =>
    fetch(`${server.url}/notify`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/xml' },
    });

  it('acknowledges a verified notification after the callback ran', async () => {
    const res = await post(paymentBody());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SUCCESS_ACK);
    expect(received.map((n) => n.id)).toEqual(['v2:payment:4200000215201811190261405420']);
  });

  it('answers FAIL for a bad signature without calling back', async () => {
    const before = received.length;
    const res = await post(paymentBody(PAYMENT, 'MD5', 'ffffffffffffffffffffffffffffffff'));
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    expect(received.length).toBe(before);
  });

  it('answers FAIL (HTTP 200, as v2 acknowledges) when the callback throws, without leaking its message', async () => {
    fail = true;
    try {
      const res = await post(refundBody());
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).toContain('FAIL');
      expect(text).not.toContain('secret');
    } finally {
      fail = false;
    }
  });

  it('refuses a body over the cap with 413', async () => {
    const res = await post(`<xml><a>${'x'.repeat(9000)}</a></xml>`);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('FAIL');
  });
});

describe('createWebNotificationHandler', () => {
  const c = createV2Client(config());

  it('verifies, calls back and acknowledges with a Web Response', async () => {
    const seen: string[] = [];
    const handler = createWebNotificationHandler(c, (n) => {
      seen.push(n.id);
    });
    const res = await handler(
      new Request('http://localhost/notify', { method: 'POST', body: refundBody() }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toBe(SUCCESS_ACK);
    expect(seen).toEqual(['v2:refund:50000408942018111907145868882:SUCCESS']);
  });

  it('failures and callback errors ask for redelivery; oversized gives 413', async () => {
    const handler = createWebNotificationHandler(
      c,
      () => {
        throw new Error('boom');
      },
      { maxBodyBytes: 4096 },
    );
    const bad = await handler(
      new Request('http://localhost/n', { method: 'POST', body: buildXml(PAYMENT) }),
    );
    expect([bad.status, (await bad.text()).includes('FAIL')]).toEqual([200, true]);
    const thrown = await handler(
      new Request('http://localhost/n', { method: 'POST', body: paymentBody() }),
    );
    expect(thrown.status).toBe(200);
    expect(await thrown.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    const big = await handler(
      new Request('http://localhost/n', { method: 'POST', body: 'x'.repeat(5000) }),
    );
    expect(big.status).toBe(413);
  });
});
