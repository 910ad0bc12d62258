/**
 * `@wxpay/simulator/contract`: the PaymentClient contract suite. Both adapters run it against
 * the simulator, so the same scenario gives the same outcome through v2 and v3.
 * @packageDocumentation
 */
import { verify, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortedError,
  awaitFinalState,
  type CreateOrderParams,
  DuplicateOrderError,
  InvalidRequestError,
  OrderClosedError,
  type OrderKind,
  OrderNotFoundError,
  OrderPaidError,
  type PaymentClient,
  type PaymentNotification,
  type Prepay,
  RefundNotFoundError,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
  TimeoutError,
  type TradeState,
  UnknownTradeStateError,
  ValidationError,
  WxPayError,
} from '@wxpay/core';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../start-simulator.js';
import { describeAnswerBinding } from './answer-binding.js';
import {
  type NotificationReceiver,
  type ReceivedNotification,
  startNotificationReceiver,
} from './notification-receiver.js';
import { v2Request, v2Sign, v3Request } from './raw-client.js';

export {
  type NotificationReceiver,
  type ReceivedNotification,
  type ReceiverAnswer,
  startNotificationReceiver,
} from './notification-receiver.js';
export {
  parseV2,
  type RawAnswer,
  type V2RawCredentials,
  type V3RawCredentials,
  type V3RawOptions,
  v2Request,
  v2Sign,
  v3Request,
} from './raw-client.js';
export {
  type ExpectedErrorClass,
  flipBit,
  type Miss,
  RejectionRecorder,
  settle,
  Tally,
} from './tally.js';

/** Options of {@link describePaymentClientContract}. */
export interface PaymentClientContractOptions {
  /** Options for the simulator the suite starts (e.g. `trust: 'certificate'`). */
  readonly simulator?: SimulatorOptions;
  /** Order kinds to create (default: all five). */
  readonly kinds?: readonly OrderKind[];
  /**
   * The adapter's `createNodeNotificationHandler`: when given, the suite serves it as a real
   * notify_url and checks acknowledgements and redelivery end to end.
   */
  readonly nodeNotificationHandler?: (
    client: PaymentClient,
    onNotification: (notification: PaymentNotification) => Promise<void>,
  ) => (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The adapter's `createWebNotificationHandler`, checked with Fetch API requests. */
  readonly webNotificationHandler?: (
    client: PaymentClient,
    onNotification: (notification: PaymentNotification) => Promise<void>,
  ) => (request: Request) => Promise<Response>;
}

type ErrorClass = { readonly kind: string; isInstance(value: unknown): boolean };

const V2_ACK =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/**
 * Registers the contract scenarios (vitest `describe`/`it`) for a {@link PaymentClient}.
 * The suite starts its own simulator (configured by `options.simulator`: trust mode, TLS …)
 * and notification receiver; `factory` builds the client from `sim.url`, `sim.merchant` and,
 * in TLS mode, `sim.tls.ca`. Every `createOrder` and `refund` passes `notifyUrl` (the
 * receiver) and every order `clientIp`. Scenarios that only one protocol can express check
 * that protocol's counterpart instead, so each test asserts something for either client.
 *
 * @example
 * describePaymentClientContract('v3', (sim) => createV3Client({ ...from(sim.merchant), baseUrl: sim.url }));
 */
export function describePaymentClientContract(
  name: string,
  factory: (sim: Simulator) => PaymentClient | Promise<PaymentClient>,
  options: PaymentClientContractOptions = {},
): void {
  describe(`PaymentClient contract: ${name}`, () => {
    let sim: Simulator;
    let receiver: NotificationReceiver;
    let client: PaymentClient;
    // In TLS mode the suite's own raw requests must trust the simulator's CA.
    let rawAgent: Agent | undefined;
    const raw = () => (rawAgent ? { dispatcher: rawAgent } : {});
    let seq = 0;
    const no = () => `CT${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

    beforeAll(async () => {
      [sim, receiver] = await Promise.all([
        startSimulator(options.simulator),
        startNotificationReceiver(),
      ]);
      if (sim.tls) rawAgent = new Agent({ connect: { ca: sim.tls.ca } });
      client = await factory(sim);
      receiver.respond = () =>
        client.protocol === 'v2'
          ? { status: 200, body: V2_ACK, headers: { 'Content-Type': 'text/xml' } }
          : { status: 204 };
    });
    afterAll(async () => {
      // Both adapters expose close() for their keep-alive pools; PaymentClient does not require it.
      const closable = client as unknown as { close?: () => Promise<void> } | undefined;
      if (typeof closable?.close === 'function') await closable.close();
      await Promise.all([sim?.stop(), receiver?.stop(), rawAgent?.close()]);
    });
    afterEach(() => {
      sim.faults.clear();
    });

    const params = (kind: OrderKind, outTradeNo: string, total = 100): CreateOrderParams => {
      const base = {
        outTradeNo,
        description: '合约测试-contract',
        amount: { total, currency: 'CNY' },
        notifyUrl: receiver.url,
        clientIp: '127.0.0.1',
        attach: 'contract',
      };
      switch (kind) {
        case 'jsapi':
        case 'miniprogram':
          return { ...base, kind, payer: { openid: OPENID } };
        case 'app':
          return { ...base, kind };
        case 'native':
          return { ...base, kind };
        case 'h5':
          return {
            ...base,
            kind,
            h5Info: { type: 'Wap', appName: 'contract', appUrl: 'https://example.com' },
          };
      }
    };
    const create = async (kind: OrderKind = 'native', total = 100) => {
      const outTradeNo = no();
      const prepay = await client.createOrder(params(kind, outTradeNo, total));
      return { outTradeNo, prepay };
    };
    const queryPath = () =>
      client.protocol === 'v2' ? '/pay/orderquery' : '/v3/pay/transactions/out-trade-no/';

    async function expectError(promise: Promise<unknown>, cls: ErrorClass): Promise<unknown> {
      let caught: unknown;
      try {
        await promise;
      } catch (error) {
        caught = error;
      }
      const described =
        caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      expect(caught, 'the call should have failed').toBeDefined();
      expect(cls.isInstance(caught), `expected ${cls.kind}, got ${described}`).toBe(true);
      expectNoSecrets(caught);
      return caught;
    }

    // Errors must never carry the API key, the APIv3 key or the private key (DESIGN.md §4).
    function expectNoSecrets(error: unknown) {
      const m = sim.merchant;
      const keyLine = m.privateKey.split('\n')[1] ?? m.privateKey;
      const seen = new Set<unknown>();
      const texts: string[] = [];
      for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); ) {
        seen.add(e);
        texts.push(String(e));
        if (e instanceof Error) texts.push(e.message, e.stack ?? '');
        try {
          texts.push(JSON.stringify(e) ?? '');
        } catch {
          // circular structures are not serialised by loggers either
        }
        e = e instanceof Error ? e.cause : undefined;
      }
      const all = texts.join('\n');
      expect(all.includes(m.apiKey), 'an error exposes the API key').toBe(false);
      expect(all.includes(m.apiV3Key), 'an error exposes the APIv3 key').toBe(false);
      expect(all.includes(keyLine), 'an error exposes the private key').toBe(false);
    }

    function verifyRsa(message: string, signature: string): boolean {
      const key = new X509Certificate(sim.merchant.certificate).publicKey;
      return verify('sha256', Buffer.from(message), key, Buffer.from(signature, 'base64'));
    }

    function checkPrepay(kind: OrderKind, outTradeNo: string, prepay: Prepay) {
      const stored = sim.getOrder(outTradeNo);
      expect(stored, 'the simulator holds the order').toBeDefined();
      expect(stored?.via).toBe(client.protocol);
      expect(stored?.state).toBe('NOTPAY');
      expect(prepay.kind).toBe(kind);
      const nowSec = Math.floor(Date.now() / 1000);
      if (prepay.kind === 'jsapi' || prepay.kind === 'miniprogram') {
        expect(stored?.tradeType).toBe('JSAPI');
        expect(prepay.prepayId).toBe(stored?.prepayId);
        const b = prepay.bridgeConfig;
        expect(b.appId).toBe(sim.merchant.appId);
        expect(b.package).toBe(`prepay_id=${prepay.prepayId}`);
        expect(Math.abs(Number(b.timeStamp) - nowSec)).toBeLessThan(300);
        expect(b.nonceStr.length).toBeGreaterThan(0);
        if (b.signType === 'RSA') {
          expect(
            verifyRsa(`${b.appId}\n${b.timeStamp}\n${b.nonceStr}\n${b.package}\n`, b.paySign),
          ).toBe(true);
        } else {
          const signed = {
            appId: b.appId,
            nonceStr: b.nonceStr,
            package: b.package,
            signType: b.signType,
            timeStamp: b.timeStamp,
          };
          expect(b.paySign).toBe(v2Sign(signed, sim.merchant.apiKey, b.signType));
        }
      } else if (prepay.kind === 'app') {
        expect(stored?.tradeType).toBe('APP');
        const a = prepay.appConfig;
        expect(a).toMatchObject({
          appid: sim.merchant.appId,
          partnerid: sim.merchant.mchId,
          prepayid: prepay.prepayId,
          package: 'Sign=WXPay',
        });
        expect(prepay.prepayId).toBe(stored?.prepayId);
        if (client.protocol === 'v3') {
          expect(
            verifyRsa(`${a.appid}\n${a.timestamp}\n${a.noncestr}\n${a.prepayid}\n`, a.sign),
          ).toBe(true);
        } else {
          const { sign, ...fields } = a;
          expect([
            v2Sign(fields, sim.merchant.apiKey, 'MD5'),
            v2Sign(fields, sim.merchant.apiKey, 'HMAC-SHA256'),
          ]).toContain(sign);
        }
      } else if (prepay.kind === 'native') {
        expect(stored?.tradeType).toBe('NATIVE');
        expect(prepay.codeUrl).toBe(stored?.codeUrl);
        expect(prepay.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
      } else if (prepay.kind === 'h5') {
        expect(stored?.tradeType).toBe('MWEB');
        expect(prepay.h5Url).toBe(stored?.h5Url);
      }
    }

    describe('creating orders', () => {
      for (const kind of options.kinds ??
        (['jsapi', 'miniprogram', 'app', 'native', 'h5'] as const)) {
        it(`creates a ${kind} order and returns the matching Prepay`, async () => {
          const { outTradeNo, prepay } = await create(kind);
          checkPrepay(kind, outTradeNo, prepay);
        });
      }

      it('text with XML/JSON specials and CJK survives the round trip exactly', async () => {
        const outTradeNo = no();
        const attach = 'a&b<c>]]>d "引号" \'x\' 中文';
        const description = '商品 & <测试> ]]> 腾讯充值中心-QQ会员充值';
        await client.createOrder({ ...params('native', outTradeNo), attach, description });
        expect(sim.getOrder(outTradeNo)?.description).toBe(description);
        expect(sim.getOrder(outTradeNo)?.attach).toBe(attach);
        sim.pay(outTradeNo, { silent: true });
        expect((await client.queryOrder({ outTradeNo })).attach).toBe(attach);
      });

      it('expiresAt reaches the server as the same instant (v2 in Beijing time)', async () => {
        const outTradeNo = no();
        const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3600_000 + 17_000);
        await client.createOrder({ ...params('jsapi', outTradeNo), expiresAt });
        expect(sim.getOrder(outTradeNo)?.expiresAt).toBe(expiresAt.getTime());
      });

      it('deviceId reaches the server', async () => {
        const outTradeNo = no();
        await client.createOrder({ ...params('native', outTradeNo), deviceId: 'POS-0001' });
        expect(sim.getOrder(outTradeNo)?.deviceInfo).toBe('POS-0001');
      });

      it('invalid input is refused with ValidationError before anything is sent', async () => {
        const from = sim.requests.length;
        const bad = { ...params('native', no()), amount: { total: 0, currency: 'CNY' } };
        const error = await expectError(client.createOrder(bad), ValidationError);
        expect(JSON.stringify((error as { issues?: unknown }).issues)).toContain('amount');
        await expectError(client.queryOrder({ outTradeNo: 'bad no!' }), ValidationError);
        await expectError(
          client.refund({
            order: { outTradeNo: 'VALID_NO_1' },
            outRefundNo: 'R1',
            amount: { refund: 2, total: 1 },
          }),
          ValidationError,
        );
        expect(sim.requests.length).toBe(from);
      });

      it('a description of exactly 127 UTF-8 bytes is accepted; 128 bytes is refused locally', async () => {
        const atLimit = `${'测'.repeat(42)}x`; // 42 × 3 + 1 = 127 bytes
        const outTradeNo = no();
        await client.createOrder({ ...params('native', outTradeNo), description: atLimit });
        expect(sim.getOrder(outTradeNo)?.description).toBe(atLimit);
        const from = sim.requests.length;
        await expectError(
          client.createOrder({ ...params('native', no()), description: `${atLimit}y` }),
          ValidationError,
        );
        expect(sim.requests.length).toBe(from);
      });

      it('requests follow the agreed conventions (v2 sign_type always sent; v3 Wechatpay-Serial, Accept, User-Agent)', async () => {
        const from = sim.requests.length;
        const { outTradeNo } = await create('native', 100);
        await client.queryOrder({ outTradeNo });
        sim.pay(outTradeNo, { silent: true });
        await client.refund({
          order: { outTradeNo },
          outRefundNo: `${outTradeNo}C`,
          amount: { refund: 1, total: 100 },
          notifyUrl: receiver.url,
        });
        const log = sim.requests;
        // A client in certificate mode cannot name a certificate before its first download.
        const firstDownload = log.findIndex((r) => r.path === '/v3/certificates');
        const known = [
          sim.merchant.wechatpayPublicKey.id,
          ...sim.merchant.platformCertificates.map((pem) =>
            new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, ''),
          ),
        ];
        let checked = 0;
        for (let i = from; i < log.length; i++) {
          const r = log[i];
          if (!r || r.path === '/v3/certificates') continue;
          checked += 1;
          // Per request, not per client: a migration client may speak both protocols.
          if (r.protocol === 'v2') {
            expect(r.body, `${r.path} sends sign_type`).toMatch(/<sign_type>/);
            continue;
          }
          const header = (name: string) => {
            const v = r.headers[name];
            return Array.isArray(v) ? v[0] : v;
          };
          const serial = header('wechatpay-serial');
          if (serial === undefined && firstDownload >= 0 && i < firstDownload) continue;
          expect(
            known,
            `${r.path} names a key it can verify in Wechatpay-Serial (got ${serial})`,
          ).toContain(serial?.startsWith('PUB_KEY_ID_') ? serial : serial?.toUpperCase());
          expect(header('accept')).toMatch(/application\/json/);
          expect(header('user-agent')?.length ?? 0).toBeGreaterThan(0);
        }
        expect(checked).toBeGreaterThanOrEqual(3);
      });

      it('parallel calls all succeed', async () => {
        const created = await Promise.all(Array.from({ length: 8 }, () => create('native')));
        const orders = await Promise.all(
          created.map(({ outTradeNo }) => client.queryOrder({ outTradeNo })),
        );
        expect(orders.map((o) => o.outTradeNo)).toEqual(created.map((c) => c.outTradeNo));
        expect(orders.every((o) => o.state === 'NOTPAY')).toBe(true);
      });

      it('re-submitting identical parameters returns the same prepay', async () => {
        const outTradeNo = no();
        const first = await client.createOrder(params('jsapi', outTradeNo));
        const again = await client.createOrder(params('jsapi', outTradeNo));
        expect(
          again.kind === 'jsapi' && first.kind === 'jsapi' && again.prepayId === first.prepayId,
        ).toBe(true);
      });

      it('the same out_trade_no with other parameters is a DuplicateOrderError', async () => {
        const { outTradeNo } = await create('native', 100);
        await expectError(
          client.createOrder(params('native', outTradeNo, 101)),
          DuplicateOrderError,
        );
      });
    });

    describe('the order lifecycle', () => {
      it('queries an unpaid order as NOTPAY', async () => {
        const { outTradeNo } = await create();
        const order = await client.queryOrder({ outTradeNo });
        expect(order.outTradeNo).toBe(outTradeNo);
        expect(order.state).toBe('NOTPAY');
        expect(order.transactionId).toBeUndefined();
      });

      it('pay → SUCCESS with amounts, payer and success time, by both refs', async () => {
        const { outTradeNo } = await create('jsapi', 250);
        const paid = sim.pay(outTradeNo, { silent: true });
        const byNo = await client.queryOrder({ outTradeNo });
        expect(byNo.state).toBe('SUCCESS');
        expect(byNo.transactionId).toBe(paid.transactionId);
        expect(byNo.transactionId).toMatch(/^42\d{26}$/);
        expect(byNo.amount.total).toBe(250);
        expect(byNo.amount.payerTotal).toBe(250);
        expect(byNo.amount.currency).toBe('CNY');
        expect(byNo.payer?.openid).toBe(OPENID);
        expect(byNo.tradeType).toBe('JSAPI');
        expect(byNo.attach).toBe('contract');
        expect(byNo.successTime?.getTime()).toBe(Math.floor((paid.paidAt ?? 0) / 1000) * 1000);
        expect(byNo.raw.out_trade_no, 'raw keeps the wire object').toBe(outTradeNo);
        const byId = await client.queryOrder({ transactionId: paid.transactionId ?? '' });
        expect(byId.outTradeNo).toBe(outTradeNo);
        expect(byId.state).toBe('SUCCESS');
      });

      it('reports coupons as promotions and the payer total net of them', async () => {
        const { outTradeNo } = await create('native', 1000);
        sim.pay(outTradeNo, {
          coupons: [{ id: 'CP0001', type: 'CASH', amount: 150 }],
          silent: true,
        });
        const order = await client.queryOrder({ outTradeNo });
        expect(order.amount.total).toBe(1000);
        expect(order.amount.payerTotal).toBe(850);
        expect(order.promotions).toHaveLength(1);
        expect(order.promotions[0]).toMatchObject({
          couponId: 'CP0001',
          amount: 150,
          type: 'CASH',
        });
      });

      it('close → CLOSED, and closing again succeeds', async () => {
        const { outTradeNo } = await create();
        await client.closeOrder(outTradeNo);
        expect((await client.queryOrder({ outTradeNo })).state).toBe('CLOSED');
        await client.closeOrder(outTradeNo);
        expect(sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
      });

      it('refund → PROCESSING and order REFUND; after completion queryRefund → SUCCESS', async () => {
        const { outTradeNo } = await create('native', 300);
        const paid = sim.pay(outTradeNo, { silent: true });
        const outRefundNo = `${outTradeNo}R1`;
        const refund = await client.refund({
          order: { outTradeNo },
          outRefundNo,
          amount: { refund: 120, total: 300, currency: 'CNY' },
          reason: 'contract',
        });
        expect(refund.outRefundNo).toBe(outRefundNo);
        expect(refund.status).toBe('PROCESSING');
        expect(refund.refundId).toBe(sim.getRefund(outRefundNo)?.refundId);
        expect(refund.amount.refund).toBe(120);
        expect((await client.queryOrder({ outTradeNo })).state).toBe('REFUND');
        expect((await client.queryRefund(outRefundNo)).status).toBe('PROCESSING');
        sim.completeRefund(outRefundNo);
        const done = await client.queryRefund(outRefundNo);
        expect(done.status).toBe('SUCCESS');
        expect(done.amount.refund).toBe(120);
        expect(done.outTradeNo).toBe(outTradeNo);
        expect(done.transactionId).toBe(paid.transactionId);
        expect(done.successTime).toBeInstanceOf(Date);
      });

      it('retrying a refund with the same out_refund_no does not refund twice', async () => {
        const { outTradeNo } = await create('native', 300);
        sim.pay(outTradeNo, { silent: true });
        const p = {
          order: { outTradeNo },
          outRefundNo: `${outTradeNo}R`,
          amount: { refund: 300, total: 300 },
        };
        const a = await client.refund(p);
        const b = await client.refund(p);
        expect(b.refundId).toBe(a.refundId);
        expect(sim.getOrder(outTradeNo)?.refunds).toHaveLength(1);
      });

      it('a failed payment → PAYERROR, where awaitFinalState stops', async () => {
        const { outTradeNo } = await create('jsapi');
        sim.setUserPaying(outTradeNo);
        sim.fail(outTradeNo);
        const order = await awaitFinalState(
          client,
          { outTradeNo },
          { initialIntervalMs: 50, timeoutMs: 5_000 },
        );
        expect(order.state).toBe('PAYERROR');
      });

      it('refunds that end CLOSED or ABNORMAL are reported as such', async () => {
        const { outTradeNo } = await create('native', 300);
        sim.pay(outTradeNo, { silent: true });
        for (const [i, status] of (['CLOSED', 'ABNORMAL'] as const).entries()) {
          const outRefundNo = `${outTradeNo}X${i}`;
          await client.refund({
            order: { outTradeNo },
            outRefundNo,
            amount: { refund: 100, total: 300 },
          });
          sim.completeRefund(outRefundNo, status);
          expect((await client.queryRefund(outRefundNo)).status).toBe(status);
        }
      });

      it('refunding more than was paid → InvalidRequestError (NOTENOUGH)', async () => {
        const { outTradeNo } = await create('native', 300);
        sim.pay(outTradeNo, { silent: true });
        await client.refund({
          order: { outTradeNo },
          outRefundNo: `${outTradeNo}A`,
          amount: { refund: 200, total: 300 },
        });
        const error = await expectError(
          client.refund({
            order: { outTradeNo },
            outRefundNo: `${outTradeNo}B`,
            amount: { refund: 200, total: 300 },
          }),
          InvalidRequestError,
        );
        expect((error as { code?: string }).code).toMatch(/^NOT_?ENOUGH$/);
        expect(sim.getOrder(outTradeNo)?.refunds).toHaveLength(1);
      });

      it('USERPAYING → awaitFinalState reaches SUCCESS', async () => {
        const { outTradeNo } = await create('jsapi');
        sim.setUserPaying(outTradeNo);
        const seen: TradeState[] = [];
        const timer = setTimeout(() => sim.pay(outTradeNo, { silent: true }), 300);
        try {
          const order = await awaitFinalState(
            client,
            { outTradeNo },
            {
              initialIntervalMs: 50,
              maxIntervalMs: 100,
              timeoutMs: 10_000,
              onPoll: (o) => seen.push(o.state),
            },
          );
          expect(order.state).toBe('SUCCESS');
          expect(seen[0]).toBe('USERPAYING');
        } finally {
          clearTimeout(timer);
        }
      });
    });

    describe('errors are the same classes in both protocols', () => {
      it('unknown order → OrderNotFoundError (query by either ref, close, refund)', async () => {
        await expectError(client.queryOrder({ outTradeNo: 'NEVER_CREATED_1' }), OrderNotFoundError);
        await expectError(
          client.queryOrder({ transactionId: '4200000000202601010000000000' }),
          OrderNotFoundError,
        );
        await expectError(client.closeOrder('NEVER_CREATED_2'), OrderNotFoundError);
        await expectError(
          client.refund({
            order: { outTradeNo: 'NEVER_CREATED_3' },
            outRefundNo: 'NEVER_R_3',
            amount: { refund: 1, total: 1 },
          }),
          OrderNotFoundError,
        );
      });

      it('unknown refund → RefundNotFoundError', async () => {
        await expectError(client.queryRefund('NEVER_REFUNDED_1'), RefundNotFoundError);
      });

      it('closing or re-creating a paid order → OrderPaidError', async () => {
        const { outTradeNo } = await create();
        sim.pay(outTradeNo, { silent: true });
        await expectError(client.closeOrder(outTradeNo), OrderPaidError);
        await expectError(client.createOrder(params('native', outTradeNo)), OrderPaidError);
      });

      it('re-creating a closed order → OrderClosedError', async () => {
        const { outTradeNo } = await create();
        sim.expire(outTradeNo);
        await expectError(client.createOrder(params('native', outTradeNo)), OrderClosedError);
      });
    });

    describe('transport and verification', () => {
      it('a tampered reply is rejected with SignatureVerificationError', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'bad-signature', path: queryPath(), times: 10 });
        await expectError(client.queryOrder({ outTradeNo }), SignatureVerificationError);
      });

      it('a 5xx is retried with a fresh nonce and then succeeds', async () => {
        const { outTradeNo } = await create();
        const from = sim.requests.length;
        sim.faults.push({ kind: 'status', status: 500, path: queryPath(), times: 1 });
        const order = await client.queryOrder({ outTradeNo });
        expect(order.state).toBe('NOTPAY');
        const attempts = sim.requests.slice(from).filter((r) => r.path.startsWith(queryPath()));
        expect(attempts.map((r) => r.status)).toEqual([500, 200]);
        expect(attempts[0]?.nonce).toBeDefined();
        expect(attempts[1]?.nonce).toBeDefined();
        expect(attempts[1]?.nonce).not.toBe(attempts[0]?.nonce);
      });

      it('an answer slower than timeoutMs → TimeoutError', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'latency', latencyMs: 2_000, path: queryPath(), times: 10 });
        await expectError(client.queryOrder({ outTradeNo }, { timeoutMs: 150 }), TimeoutError);
      });

      it('an aborted call → AbortedError', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'latency', latencyMs: 2_000, path: queryPath(), times: 10 });
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 100);
        try {
          await expectError(
            client.queryOrder({ outTradeNo }, { signal: controller.signal }),
            AbortedError,
          );
        } finally {
          clearTimeout(timer);
        }
      });

      it('a reset connection is retried and then succeeds', async () => {
        const { outTradeNo } = await create();
        const from = sim.requests.length;
        sim.faults.push({ kind: 'reset', path: queryPath(), times: 1 });
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
        const attempts = sim.requests.slice(from).filter((r) => r.path.startsWith(queryPath()));
        expect(attempts.map((r) => r.fault)).toEqual(['reset', undefined]);
      });

      it('a 429 is retried and then succeeds', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'status', status: 429, path: queryPath(), times: 1 });
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      });

      it('a truncated answer is an error, never a success', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'truncate', path: queryPath(), times: 10 });
        await expectError(client.queryOrder({ outTradeNo }), WxPayError);
      });

      it('an unsigned answer, or (v3) one older than 300 s, is rejected', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'unsigned', path: queryPath(), times: 10 });
        await expectError(client.queryOrder({ outTradeNo }), SignatureVerificationError);
        sim.faults.clear();
        if (client.protocol === 'v3') {
          sim.faults.push({
            kind: 'skewed-timestamp',
            skewSeconds: -400,
            path: queryPath(),
            times: 10,
          });
          await expectError(client.queryOrder({ outTradeNo }), SignatureVerificationError);
          sim.faults.clear();
        }
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      });

      it('an answer signed with a key the client does not know is rejected', async () => {
        // v3: a key id nobody was given; v2: a key other than the merchant's API key.
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'unknown-key', path: queryPath(), times: 10 });
        await expectError(client.queryOrder({ outTradeNo }), SignatureVerificationError);
      });

      it('an answer with extra and empty fields still verifies (signatures cover unknown fields)', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({
          kind: 'rewrite',
          path: queryPath(),
          times: 10,
          rewrite: (a) => ({ ...a, zz_future_field: 'new & <shiny>', device_info: '' }),
        });
        const order = await client.queryOrder({ outTradeNo });
        expect(order.state).toBe('NOTPAY');
        expect(JSON.stringify(order.raw)).toContain('zz_future_field');
      });

      it('an unknown trade_state → UnknownTradeStateError keeping the raw answer', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({
          kind: 'rewrite',
          path: queryPath(),
          times: 10,
          rewrite: (a) => ({ ...a, trade_state: 'FROZEN' }),
        });
        const error = await expectError(client.queryOrder({ outTradeNo }), UnknownTradeStateError);
        expect(JSON.stringify((error as { raw?: unknown }).raw)).toContain('FROZEN');
      });

      it('a validly signed answer without trade_state → ResponseValidationError', async () => {
        const { outTradeNo } = await create();
        sim.faults.push({
          kind: 'rewrite',
          path: queryPath(),
          times: 10,
          rewrite: ({ trade_state: _dropped, ...rest }) => rest,
        });
        await expectError(client.queryOrder({ outTradeNo }), ResponseValidationError);
      });

      it('a probe (v3 SIGNTEST) or algorithm-swapped (v2) signature on an answer is rejected', async () => {
        // v2 has no probes: the fault signs with the other algorithm than the request named,
        // which a client verifying "with the same type" must refuse.
        const { outTradeNo } = await create();
        sim.faults.push({ kind: 'probe-signature', path: queryPath(), times: 10 });
        await expectError(
          client.queryOrder({ outTradeNo }),
          client.protocol === 'v3' ? SignatureProbeError : SignatureVerificationError,
        );
      });
    });

    describe('notifications', () => {
      const delivered = async (
        predicate: (a: {
          outTradeNo: string;
          type: string;
          attempt: number;
          headers: Readonly<Record<string, string>>;
        }) => boolean,
      ) => {
        const attempt = await sim.notifications.waitFor(predicate);
        return receiver.waitFor(
          (n) => n.text === attempt.body && sameTimestamp(n, attempt.headers),
        );
      };
      const parse = (n: ReceivedNotification, body: Buffer | string = n.body) =>
        client.parseNotification({ headers: n.headers, body });

      it('the payment notification the simulator delivers is accepted', async () => {
        const { outTradeNo } = await create('jsapi', 100);
        const paid = sim.pay(outTradeNo);
        const n = await delivered((a) => a.outTradeNo === outTradeNo && a.type === 'payment');
        const parsed: PaymentNotification = await parse(n);
        expect(parsed.type).toBe('payment');
        if (parsed.type !== 'payment') return;
        expect(parsed.id.length).toBeGreaterThan(0);
        expect(parsed.order.outTradeNo).toBe(outTradeNo);
        expect(parsed.order.state).toBe('SUCCESS');
        expect(parsed.order.transactionId).toBe(paid.transactionId);
        expect(parsed.order.amount.total).toBe(100);
        const ack = await sim.notifications.waitFor(
          (a) => a.outTradeNo === outTradeNo && a.acknowledged,
        );
        expect(ack.attempt).toBe(1);
      });

      it('a copy altered by one byte is rejected', async () => {
        const { outTradeNo } = await create();
        const paid = sim.pay(outTradeNo);
        const n = await delivered((a) => a.outTradeNo === outTradeNo && a.type === 'payment');
        const altered = Buffer.from(n.body);
        const text = n.text;
        // v2: a digit of transaction_id; v3: a character of the event id. Both are signed.
        const anchor = client.protocol === 'v2' ? (paid.transactionId ?? '') : '"id":"';
        const found = text.indexOf(anchor);
        expect(found, 'the anchor of the altered byte is in the body').toBeGreaterThanOrEqual(0);
        const at = found + (client.protocol === 'v2' ? 10 : anchor.length);
        altered[at] = altered[at] === 0x31 ? 0x32 : 0x31;
        await expectError(parse(n, altered), SignatureVerificationError);
        // The untouched original still verifies.
        expect((await parse(n)).type).toBe('payment');
      });

      it('the refund notification is accepted', async () => {
        const { outTradeNo } = await create('native', 200);
        sim.pay(outTradeNo, { silent: true });
        const outRefundNo = `${outTradeNo}RN`;
        await client.refund({
          order: { outTradeNo },
          outRefundNo,
          amount: { refund: 200, total: 200 },
          notifyUrl: receiver.url,
        });
        expect(sim.getRefund(outRefundNo)?.notifyUrl, 'the refund carries its notify_url').toBe(
          receiver.url,
        );
        sim.completeRefund(outRefundNo);
        const attempt = await sim.notifications.waitFor((a) => a.outRefundNo === outRefundNo);
        const n = await receiver.waitFor((r) => r.text === attempt.body);
        const parsed = await parse(n);
        expect(parsed.type).toBe('refund');
        if (parsed.type !== 'refund') return;
        expect(parsed.refund.outRefundNo).toBe(outRefundNo);
        expect(parsed.refund.status).toBe('SUCCESS');
        expect(parsed.refund.amount.refund).toBe(200);
      });

      it('a redelivered notification carries the same id', async () => {
        let first = true;
        const ack = receiver.respond;
        receiver.respond = (n, i) => {
          if (!first) return ack(n, i);
          first = false;
          return client.protocol === 'v2'
            ? {
                status: 200,
                body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>',
              }
            : { status: 500, body: '{"code":"FAIL","message":"busy"}' };
        };
        try {
          const { outTradeNo } = await create();
          sim.pay(outTradeNo);
          const second = await sim.notifications.waitFor(
            (a) => a.outTradeNo === outTradeNo && a.attempt === 2,
          );
          expect(second.acknowledged).toBe(true);
          const [a, b] = sim.notifications.forOrder(outTradeNo);
          expect(a?.acknowledged).toBe(false);
          const received = await Promise.all(
            [a, b].map((x) =>
              receiver.waitFor((r) => r.text === x?.body && sameTimestamp(r, x?.headers ?? {})),
            ),
          );
          const [p1, p2] = await Promise.all(received.map((r) => parse(r)));
          expect(p1?.id).toBe(p2?.id);
        } finally {
          receiver.respond = ack;
        }
      });

      it('notifications that are stale, future or probes (v3), or choose their own sign type (v2), are rejected', async () => {
        const { outTradeNo } = await create();
        const paid = sim.pay(outTradeNo, { silent: true });
        if (client.protocol === 'v2') {
          // The message claims (and is signed with) the algorithm the client did not configure.
          const other = paid.signType === 'MD5' ? 'HMAC-SHA256' : 'MD5';
          sim.sendPaymentNotification(outTradeNo, { v2SignType: other });
          const n = await delivered((a) => a.outTradeNo === outTradeNo);
          expect(n.text).toContain(other);
          await expectError(parse(n), SignatureVerificationError);
          return;
        }
        for (const offset of [-600, 600]) {
          sim.sendPaymentNotification(outTradeNo, { timestampOffsetSeconds: offset });
          const n = await delivered(
            (a) =>
              a.outTradeNo === outTradeNo &&
              Math.abs(Number(a.headers['Wechatpay-Timestamp']) - (Date.now() / 1000 + offset)) <
                60,
          );
          await expectError(parse(n), SignatureVerificationError);
        }
        sim.sendPaymentNotification(outTradeNo, { signature: 'probe' });
        const probe = await delivered(
          (a) =>
            a.outTradeNo === outTradeNo &&
            (a.headers['Wechatpay-Signature'] ?? '').startsWith('WECHATPAY/SIGNTEST/'),
        );
        await expectError(parse(probe), SignatureProbeError);
      });
    });

    const nodeHandler = options.nodeNotificationHandler;
    if (nodeHandler) {
      it('node handler: acknowledges, asks for redelivery when the callback throws, refuses forgeries', async () => {
        const got: PaymentNotification[] = [];
        let failNext = true;
        const handler = nodeHandler(client, async (n) => {
          if (failNext) {
            failNext = false;
            throw new Error('database unavailable: secret-internal-detail');
          }
          got.push(n);
        });
        const server = createServer((req, res) => {
          void handler(req, res);
        });
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        try {
          const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wxpay/notify`;
          const outTradeNo = no();
          await client.createOrder({ ...params('native', outTradeNo), notifyUrl: url });
          sim.pay(outTradeNo);
          const ok = await sim.notifications.waitFor(
            (a) => a.outTradeNo === outTradeNo && a.acknowledged,
          );
          expect(ok.attempt).toBe(2);
          const [first] = sim.notifications.forOrder(outTradeNo);
          expect(first?.acknowledged).toBe(false);
          expect(first?.responseBody ?? '').not.toContain('secret-internal-detail');
          if (client.protocol === 'v3') expect(first?.status).toBeGreaterThanOrEqual(500);
          else expect(first?.status).toBe(200);
          expect(ok.status).toBe(client.protocol === 'v3' ? 204 : 200);
          expect(got).toHaveLength(1);
          expect(got[0]?.type === 'payment' && got[0].order.outTradeNo).toBe(outTradeNo);

          const count = sim.notifications.forOrder(outTradeNo).length;
          sim.sendPaymentNotification(outTradeNo, { signature: 'bad' });
          const forged = await sim.notifications.waitFor(
            (a) =>
              a.outTradeNo === outTradeNo &&
              sim.notifications.forOrder(outTradeNo).indexOf(a) === count,
          );
          expect(forged.acknowledged).toBe(false);
          if (client.protocol === 'v3') expect(forged.status).toBe(401);
          expect(got).toHaveLength(1);
        } finally {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
          await sim.notifications.idle();
        }
      });
    }

    const webHandler = options.webNotificationHandler;
    if (webHandler) {
      it('web handler: accepts a delivered notification and refuses an altered one', async () => {
        const got: PaymentNotification[] = [];
        const handler = webHandler(client, async (n) => {
          got.push(n);
        });
        const { outTradeNo } = await create();
        sim.pay(outTradeNo);
        const attempt = await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
        const n = await receiver.waitFor((r) => r.text === attempt.body);
        const headers = new Headers();
        for (const [k, v] of Object.entries(n.headers))
          if (typeof v === 'string') headers.set(k, v);
        const request = (body: Buffer) =>
          new Request('https://merchant.example/wxpay/notify', { method: 'POST', headers, body });
        const ok = await handler(request(n.body));
        expect(ok.status).toBe(client.protocol === 'v3' ? 204 : 200);
        expect(got).toHaveLength(1);
        const altered = Buffer.from(n.body);
        const at = altered.length >> 1;
        altered[at] = (altered[at] ?? 0) ^ 0x01;
        const refused = await handler(request(altered));
        if (client.protocol === 'v3') expect(refused.status).toBeGreaterThanOrEqual(400);
        else expect(await refused.text()).toContain('FAIL');
        expect(got).toHaveLength(1);
      });
    }

    if (options.simulator?.trust === 'certificate') {
      it('platform certificate rotation: after the known certificate is retired, answers and notifications still verify', async () => {
        const { outTradeNo } = await create();
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
        // Two rotations: the certificate the client started with is no longer listed.
        await sim.rotatePlatformCertificate();
        const newest = await sim.rotatePlatformCertificate();
        const from = sim.requests.length;
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
        sim.pay(outTradeNo);
        const attempt = await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
        const n = await receiver.waitFor((r) => r.text === attempt.body);
        expect((await client.parseNotification({ headers: n.headers, body: n.body })).type).toBe(
          'payment',
        );
        if (client.protocol === 'v3') {
          expect(attempt.headers['Wechatpay-Serial']).toBe(newest);
          expect(sim.requests.slice(from).some((r) => r.path === '/v3/certificates')).toBe(true);
        }
      });
    }

    describeAnswerBinding({
      sim: () => sim,
      client: () => client,
      no,
      params: (n, t) => params('native', n, t),
    });

    describe('one order book for v2 and v3', () => {
      it('an order created by this client is read through the other protocol', async () => {
        const { outTradeNo } = await create('native', 321);
        sim.pay(outTradeNo, { silent: true });
        const tx = sim.getOrder(outTradeNo)?.transactionId;
        if (client.protocol === 'v2') {
          const res = await v3Request(
            sim.url,
            'GET',
            `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${sim.merchant.mchId}`,
            sim.merchant,
            undefined,
            raw(),
          );
          expect(res.status).toBe(200);
          expect(res.json).toMatchObject({
            trade_state: 'SUCCESS',
            transaction_id: tx,
            amount: { total: 321 },
          });
        } else {
          const res = await v2Request(
            sim.url,
            '/pay/orderquery',
            sim.merchant,
            { out_trade_no: outTradeNo },
            'MD5',
            raw(),
          );
          expect(res.fields).toMatchObject({
            result_code: 'SUCCESS',
            trade_state: 'SUCCESS',
            transaction_id: tx,
            total_fee: '321',
          });
        }
      });

      it('an order created through the other protocol is read by this client, before and after payment', async () => {
        const outTradeNo = no();
        if (client.protocol === 'v2') {
          const res = await v3Request(
            sim.url,
            'POST',
            '/v3/pay/transactions/native',
            sim.merchant,
            {
              appid: sim.merchant.appId,
              mchid: sim.merchant.mchId,
              description: 'migrated',
              out_trade_no: outTradeNo,
              notify_url: receiver.url,
              amount: { total: 77, currency: 'CNY' },
            },
            raw(),
          );
          expect(res.status).toBe(200);
        } else {
          const res = await v2Request(
            sim.url,
            '/pay/unifiedorder',
            sim.merchant,
            {
              body: 'migrated',
              out_trade_no: outTradeNo,
              total_fee: '77',
              spbill_create_ip: '127.0.0.1',
              notify_url: receiver.url,
              trade_type: 'NATIVE',
              product_id: 'P1',
            },
            'MD5',
            raw(),
          );
          expect(res.fields.result_code).toBe('SUCCESS');
        }
        expect((await client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
        const paid = sim.pay(outTradeNo, { silent: true });
        const order = await client.queryOrder({ transactionId: paid.transactionId ?? '' });
        expect(order.outTradeNo).toBe(outTradeNo);
        expect(order.amount.total).toBe(77);
      });
    });
  });
}

function sameTimestamp(n: ReceivedNotification, sent: Readonly<Record<string, string>>): boolean {
  const ts = sent['Wechatpay-Timestamp'];
  return ts === undefined || n.headers['wechatpay-timestamp'] === ts;
}
