import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AnswerMismatchError,
  DecryptionError,
  MalformedMessageError,
  type PaymentNotification,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
  WxPayError,
} from '@wxpay/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAcknowledgement,
  createNodeNotificationHandler,
  createV3Client,
  createWebNotificationHandler,
  type V3Client,
} from '../src/index.js';
import { FakeWechat } from './support/fake-wechat.js';
import { buildNotification, makeTestKeys, signedHeaders } from './support/test-keys.js';

const keys = makeTestKeys();
const MCH = '1900000001';
let server: FakeWechat;
let client: V3Client;
let pkClient: V3Client;
const now = () => Math.floor(Date.now() / 1000);

const TRANSACTION = {
  mchid: MCH,
  appid: 'wx8888888888888888',
  out_trade_no: '1217752501201407033233368018',
  transaction_id: '4200000215201811190261405420',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  success_time: '2018-06-08T10:34:56+08:00',
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};
const REFUND = {
  mchid: MCH,
  out_trade_no: '1217752501201407033233368018',
  transaction_id: '4200000215201811190261405420',
  out_refund_no: 'R_0001',
  refund_id: '50000000382019052709732678859',
  refund_status: 'SUCCESS',
  success_time: '2018-06-08T10:34:56+08:00',
  user_received_account: '招商银行信用卡0403',
  amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100 },
};

const payment = (overrides: Partial<Parameters<typeof buildNotification>[2]> = {}) =>
  buildNotification(keys, keys.platformA, {
    eventType: 'TRANSACTION.SUCCESS',
    resource: TRANSACTION,
    timestamp: now(),
    id: 'EV-2018022511223320873',
    ...overrides,
  });

beforeAll(async () => {
  server = await new FakeWechat(keys).start();
  const base = {
    mchId: MCH,
    appId: 'wx8888888888888888',
    privateKey: keys.merchant.privateKey,
    certificateSerial: keys.merchant.serial,
    apiV3Key: keys.apiV3Key,
    baseUrl: server.url,
  };
  client = createV3Client(base);
  pkClient = createV3Client({
    ...base,
    wechatpayPublicKey: { id: keys.publicKey.serial, key: keys.publicKey.publicKey },
  });
});
afterAll(async () => {
  await client.close();
  await pkClient.close();
  await server.stop();
});

describe('parseNotification', () => {
  it('verifies, decrypts and maps a payment notification', async () => {
    const n = await client.parseNotification(payment());
    expect(n.type).toBe('payment');
    if (n.type !== 'payment') return;
    expect(n.id).toBe('EV-2018022511223320873');
    expect(n.order).toMatchObject({
      outTradeNo: '1217752501201407033233368018',
      state: 'SUCCESS',
      amount: { total: 100, payerTotal: 100 },
    });
    expect(n.order.successTime?.toISOString()).toBe('2018-06-08T02:34:56.000Z');
    expect(n.raw).toMatchObject({ event_type: 'TRANSACTION.SUCCESS' });
  });

  it('maps REFUND.* notifications (refund_status) to Refund', async () => {
    for (const [event, status] of [
      ['REFUND.SUCCESS', 'SUCCESS'],
      ['REFUND.ABNORMAL', 'ABNORMAL'],
      ['REFUND.CLOSED', 'CLOSED'],
    ] as const) {
      const n = await client.parseNotification(
        buildNotification(keys, keys.platformA, {
          eventType: event,
          resource: { ...REFUND, refund_status: status },
          timestamp: now(),
        }),
      );
      expect(n.type).toBe('refund');
      if (n.type !== 'refund') return;
      expect(n.refund).toMatchObject({
        outRefundNo: 'R_0001',
        status,
        receivedAccount: '招商银行信用卡0403',
        amount: { refund: 100, total: 100, payerRefund: 100 },
      });
    }
  });

  it('works with a Uint8Array body and a public-key signature', async () => {
    const n = buildNotification(keys, keys.publicKey, {
      eventType: 'TRANSACTION.SUCCESS',
      resource: TRANSACTION,
      timestamp: now(),
    });
    await expect(
      pkClient.parseNotification({ headers: n.headers, body: Buffer.from(n.body) }),
    ).resolves.toMatchObject({ type: 'payment' });
  });

  it('refuses bad signatures, stale timestamps, probes, before parsing', async () => {
    const good = payment();
    const expectKind = async (
      req: { headers: Record<string, string>; body: string },
      kind: typeof WxPayError,
    ) => {
      const err = await client.parseNotification(req).catch((e: unknown) => e);
      expect(kind.isInstance(err), String(err)).toBe(true);
    };
    await expectKind({ ...good, body: `${good.body} ` }, SignatureVerificationError);
    await expectKind({ ...good, body: 'not json at all' }, SignatureVerificationError);
    await expectKind(payment({ timestamp: now() - 301 }), SignatureVerificationError);
    await expectKind(payment({ timestamp: now() + 301 }), SignatureVerificationError);
    const probe = {
      body: good.body,
      headers: signedHeaders(keys.platformA, good.body, { timestamp: now(), probe: true }),
    };
    await expectKind(probe, SignatureProbeError);
    await expectKind(
      { ...good, headers: { ...good.headers, 'wechatpay-serial': 'DEADBEEF' } },
      SignatureVerificationError,
    );
  });

  it('hands over a verified notification of any other event type as `other`, resource decrypted', async () => {
    const resource = { mchid: MCH, out_bill_no: 'B1', state: 'SUCCESS' };
    const n = await client.parseNotification(
      payment({ eventType: 'MCHTRANSFER.BILL.FINISHED', resource, id: 'EV-OTHER-1' }),
    );
    expect(n).toMatchObject({
      type: 'other',
      id: 'EV-OTHER-1',
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      resourceType: 'transaction',
      resource,
    });
    // Still verified first: an altered body is refused before anything is decrypted.
    const forged = payment({ eventType: 'MCHTRANSFER.BILL.FINISHED', resource });
    const err = await client
      .parseNotification({
        ...forged,
        body: forged.body.replace('"summary":"test"', '"summary":"tesT"'),
      })
      .catch((e: unknown) => e);
    expect(SignatureVerificationError.isInstance(err)).toBe(true);
  });

  it('refuses wrong algorithm, 11-byte nonce, wrong AAD, wrong key, other merchant', async () => {
    const cases: [Parameters<typeof payment>[0], typeof WxPayError][] = [
      [{ algorithm: 'AEAD_AES_128_GCM' }, DecryptionError],
      [{ nonce: '0123456789a' }, DecryptionError],
      [{ apiV3Key: 'x'.repeat(32) }, DecryptionError],
      [{ resource: { ...TRANSACTION, mchid: '1900000002' } }, AnswerMismatchError],
      [{ resource: { ...TRANSACTION, appid: 'wx0000000000000000' } }, AnswerMismatchError],
      [{ resource: { ...TRANSACTION, amount: { total: -1 } } }, ResponseValidationError],
      [{ resource: { ...TRANSACTION, trade_state: 'WHATEVER' } }, ResponseValidationError],
    ];
    for (const [overrides, kind] of cases) {
      const err = await client.parseNotification(payment(overrides)).catch((e: unknown) => e);
      expect(kind.isInstance(err), `${JSON.stringify(overrides)}: ${String(err)}`).toBe(true);
    }
    // Encrypted with AAD "transaction" but declaring "transactioN" (re-signed): GCM refuses it.
    const envelope = JSON.parse(payment().body);
    envelope.resource.associated_data = 'transactioN';
    const wrongAad = JSON.stringify(envelope);
    await expect(
      client.parseNotification({
        body: wrongAad,
        headers: signedHeaders(keys.platformA, wrongAad, { timestamp: now() }),
      }),
    ).rejects.toThrow(DecryptionError);
    // A signed body that is not JSON is malformed (signature checked first).
    const text = 'plain text';
    const err = await client
      .parseNotification({
        body: text,
        headers: signedHeaders(keys.platformA, text, { timestamp: now() }),
      })
      .catch((e: unknown) => e);
    expect(MalformedMessageError.isInstance(err)).toBe(true);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input
    await expect(client.parseNotification({ headers: {}, body: 42 } as any)).rejects.toThrow(
      MalformedMessageError,
    );
  });

  it('property: mutated notification bodies yield only typed errors', async () => {
    const base = payment();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: base.body.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, xor) => {
          const bytes = Buffer.from(base.body);
          bytes[at] = (bytes[at] ?? 0) ^ xor;
          const err = await client
            .parseNotification({ headers: base.headers, body: bytes })
            .catch((e: unknown) => e);
          expect(WxPayError.isInstance(err)).toBe(true);
          expect(SignatureVerificationError.isInstance(err)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: signed but arbitrary bodies yield only typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (text) => {
        const err = await client
          .parseNotification({
            body: text,
            headers: signedHeaders(keys.platformA, text, { timestamp: now() }),
          })
          .catch((e: unknown) => e);
        expect(WxPayError.isInstance(err), String(err)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('acknowledgements and handlers', () => {
  it('buildAcknowledgement: 204 empty, or 500 with {code: FAIL}', () => {
    expect(buildAcknowledgement(true)).toEqual({ status: 204, headers: {}, body: '' });
    const fail = buildAcknowledgement(false, 'db down');
    expect(fail.status).toBe(500);
    expect(JSON.parse(fail.body)).toEqual({ code: 'FAIL', message: 'db down' });
  });

  describe('node:http handler over real HTTP', () => {
    let http: Server;
    let url: string;
    const received: PaymentNotification[] = [];
    let failNext = false;

    beforeAll(async () => {
      const handler = createNodeNotificationHandler(
        client,
        async (n) => {
          if (failNext) throw new Error('database password=hunter2 unavailable');
          received.push(n);
        },
        { maxBodyBytes: 64 * 1024 },
      );
      http = createServer((req, res) => void handler(req, res));
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/notify`;
    });
    afterAll(async () => {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    });

    const post = (n: { headers: Record<string, string>; body: string }) =>
      fetch(url, { method: 'POST', headers: n.headers, body: n.body });

    it('204 on success, after onNotification ran', async () => {
      const res = await post(payment({ id: 'EV-NODE-1' }));
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(received.map((n) => n.id)).toContain('EV-NODE-1');
    });

    it('401 for a bad signature, 400 for malformed, 500 when onNotification throws, 413 too large', async () => {
      const good = payment();
      const bad = await post({ ...good, body: good.body.replace('AEAD', 'AEAE') });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ code: 'FAIL', message: 'signature verification failed' });
      const malformed = await post(payment({ nonce: 'short' }));
      expect(malformed.status).toBe(400);
      failNext = true;
      const failed = await post(payment());
      failNext = false;
      expect(failed.status).toBe(500);
      const text = await failed.text();
      expect(text).not.toContain('hunter2');
      expect(JSON.parse(text).code).toBe('FAIL');
      const big = await post({ headers: good.headers, body: 'x'.repeat(70 * 1024) });
      expect(big.status).toBe(413);
    });
  });

  it('both handlers still answer when the onError hook itself throws', async () => {
    const throwing = {
      onError: () => {
        throw new Error('logger down');
      },
    };
    const web = createWebNotificationHandler(client, () => {}, throwing);
    const good = payment();
    const bad = await web(
      new Request('http://127.0.0.1/notify', {
        method: 'POST',
        headers: good.headers,
        body: `${good.body} `,
      }),
    );
    expect(bad.status).toBe(401);
    const node = createNodeNotificationHandler(client, () => {}, throwing);
    const http = createServer((req, res) => void node(req, res));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      const res = await fetch(url, {
        method: 'POST',
        headers: good.headers,
        body: `${good.body} `,
      });
      expect(res.status).toBe(401);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });

  it('node handler: uses a raw body a parser already read; refuses a parsed one', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const handler = createNodeNotificationHandler(client, (n) => void seen.push(n.id), {
      onError: (e) => errors.push(e),
    });
    let mode: 'raw' | 'parsed' = 'raw';
    const http = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      // What express.raw() / express.json() leave behind.
      Object.assign(req, { body: mode === 'raw' ? raw : JSON.parse(raw.toString()) });
      await handler(req, res);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    try {
      const n = payment({ id: 'EV-RAW-1' });
      const ok = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
      expect(ok.status).toBe(204);
      expect(seen).toEqual(['EV-RAW-1']);
      mode = 'parsed';
      const parsed = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
      expect(parsed.status).toBe(400);
      expect(String(errors.at(-1))).toMatch(/already parsed/);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });

  describe('Web handler', () => {
    it('answers Fetch API requests the same way', async () => {
      const seen: string[] = [];
      const handler = createWebNotificationHandler(client, (n) => {
        seen.push(n.id);
      });
      const n = payment({ id: 'EV-WEB-1' });
      const ok = await handler(
        new Request('http://localhost/notify', {
          method: 'POST',
          headers: n.headers,
          body: n.body,
        }),
      );
      expect(ok.status).toBe(204);
      expect(seen).toEqual(['EV-WEB-1']);
      const bad = await handler(
        new Request('http://localhost/notify', {
          method: 'POST',
          headers: n.headers,
          body: `${n.body}x`,
        }),
      );
      expect(bad.status).toBe(401);
      const throwing = createWebNotificationHandler(client, () => {
        throw new Error('nope');
      });
      const res = await throwing(
        new Request('http://localhost/notify', {
          method: 'POST',
          headers: n.headers,
          body: n.body,
        }),
      );
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ code: 'FAIL', message: 'notification handler failed' });
    });
  });
});
