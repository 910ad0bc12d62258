import {
  createNodeNotificationHandler,
  type NotificationClient,
  type NotificationProtocol,
  type PaymentClient,
  type PaymentNotification,
  SignatureVerificationError,
  UnsupportedNotificationProtocolError,
} from '@wxpay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationAttempt } from '../../notification-log.js';
import { startLocalServer } from '../../testing/local-server.js';
import type { ContractContext } from '../context.js';
import { createRawOrder } from '../raw-order.js';

const PROTOCOLS: readonly NotificationProtocol[] = ['v2', 'v3'];

/**
 * The merchant's endpoint: the core node handler on 127.0.0.1, recording its callback runs.
 * Each order notifies its own path (`…/notify/<out_trade_no>`), so the errors a request
 * reported are told apart from those of other orders' redeliveries still under way.
 */
interface Endpoint {
  /** The notify_url of one order. */
  urlFor(outTradeNo: string): string;
  /** Callback runs by out_trade_no (payments) or out_refund_no (refunds). */
  readonly calls: Map<string, PaymentNotification[]>;
  /** Keys whose next callback run throws, as when the merchant's database is briefly down. */
  readonly failNext: Set<string>;
  /** Errors reported to `onError`, by the order of the notify_url they arrived at. */
  errorsFor(outTradeNo: string): unknown[];
  close(): Promise<void>;
}

function keyOf(n: PaymentNotification): string {
  if (n.type === 'payment') return n.order.outTradeNo;
  return n.type === 'refund' ? n.refund.outRefundNo : n.id;
}

async function startEndpoint(client: PaymentClient): Promise<Endpoint> {
  const calls = new Map<string, PaymentNotification[]>();
  const failNext = new Set<string>();
  const errors = new Map<string, unknown[]>();
  const errorsFor = (order: string) => errors.get(order) ?? [];
  const callback = (n: PaymentNotification) => {
    calls.set(keyOf(n), [...(calls.get(keyOf(n)) ?? []), n]);
    if (failNext.delete(keyOf(n))) throw new Error('database unavailable: secret-internal-detail');
  };
  const served = await startLocalServer((req, res) => {
    const order = (req.url ?? '').split('/').pop() ?? '';
    const onError = (error: unknown) => errors.set(order, [...errorsFor(order), error]);
    void createNodeNotificationHandler(client, callback, { onError })(req, res);
  });
  return {
    urlFor: (outTradeNo) => `${served.url}/wxpay/notify/${outTradeNo}`,
    calls,
    failNext,
    errorsFor,
    close: served.stop,
  };
}

/** Asserts the answer WeChat Pay reads as "not acknowledged", in the notification's protocol. */
function expectRefusedAnswer(protocol: NotificationProtocol, status: number, body: string) {
  if (protocol === 'v2') {
    expect(status).toBe(200);
    expect(body).toContain('<return_code><![CDATA[FAIL]]></return_code>');
  } else {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(body)).toMatchObject({ code: 'FAIL' });
  }
  expect(body).not.toContain('secret-internal-detail');
}

/** The body with one signed byte changed (v2: a digit of the amount; v3: of the ciphertext). */
function alterOneByte(protocol: NotificationProtocol, text: string): Buffer {
  const pattern = protocol === 'v2' ? /<total_fee>(?:<!\[CDATA\[)?\d/ : /"ciphertext":"./;
  const match = pattern.exec(text);
  if (!match) throw new Error(`no ${protocol} field to alter in the delivered body`);
  const body = Buffer.from(text);
  const at = match.index + match[0].length - 1;
  // Digits stay digits and base64 stays base64: only the signature can tell.
  body[at] = body[at] === 0x31 ? 0x32 : 0x31;
  return body;
}

/**
 * Notification delivery end to end: the simulator delivers payment and refund notifications
 * over real HTTP to the core notification handler serving the client under test, and its
 * delivery log shows what WeChat Pay would see. Runs for every protocol the client verifies
 * (a migration client: both, at one endpoint); a notification of a protocol the client lacks
 * must be refused in that protocol, never acknowledged.
 */
export function describeNotificationDelivery(ctx: ContractContext): void {
  describe('notification delivery through the core handler', () => {
    let endpoint: Endpoint;
    beforeAll(async () => {
      endpoint = await startEndpoint(ctx.client);
    });
    afterAll(() => endpoint?.close());

    const accepted = (): readonly NotificationProtocol[] => {
      const c = ctx.client as NotificationClient;
      return c.notificationProtocols ?? [ctx.client.protocol];
    };

    /** An order created through the client under test, notifying its own endpoint path. */
    const createOwnOrder = (outTradeNo: string, total: number) =>
      ctx.client.createOrder({
        ...ctx.params('native', outTradeNo, total),
        notifyUrl: endpoint.urlFor(outTradeNo),
      });

    /** An order whose notifications come in `protocol`, paid; resolves with the first delivery. */
    async function paid(protocol: NotificationProtocol, failFirst = false) {
      const sim = ctx.sim;
      const client = ctx.client;
      const outTradeNo = ctx.no();
      if (protocol === client.protocol) {
        await createOwnOrder(outTradeNo, 150);
      } else {
        const order = { outTradeNo, total: 150, notifyUrl: endpoint.urlFor(outTradeNo) };
        const v2SignType = ctx.options.v2SignType ?? 'MD5';
        await createRawOrder(sim, protocol, { ...order, v2SignType }, ctx.raw());
      }
      if (failFirst) endpoint.failNext.add(outTradeNo);
      sim.pay(outTradeNo);
      const first = await sim.notifications.waitFor(
        (a) => a.outTradeNo === outTradeNo && a.type === 'payment',
      );
      return { outTradeNo, first };
    }

    const attemptsOf = (key: string, type: NotificationAttempt['type']) =>
      ctx.sim.notifications.attempts.filter(
        (a) => a.type === type && (type === 'refund' ? a.outRefundNo : a.outTradeNo) === key,
      );

    // For a protocol the client lacks, each scenario instead checks the refusal in that protocol.
    for (const protocol of PROTOCOLS) {
      it(`${protocol} payment notification: acknowledged on the first attempt, callback run once`, async () => {
        if (!accepted().includes(protocol)) return expectUnsupported(protocol);
        const { outTradeNo, first } = await paid(protocol);
        expect(first.protocol).toBe(protocol);
        expect([first.attempt, first.acknowledged]).toEqual([1, true]);
        expect(first.status).toBe(protocol === 'v2' ? 200 : 204);
        expect(attemptsOf(outTradeNo, 'payment')).toHaveLength(1);
        const calls = endpoint.calls.get(outTradeNo) ?? [];
        expect(calls).toHaveLength(1);
        const n = calls[0];
        expect(n?.type === 'payment' && n.order.state).toBe('SUCCESS');
        if (protocol === 'v3') expect(n?.id).toBe(first.id);
      });

      it(`${protocol} payment notification: a throwing callback is not acknowledged and is redelivered with the same id`, async () => {
        if (!accepted().includes(protocol)) return expectUnsupported(protocol);
        const { outTradeNo, first } = await paid(protocol, true);
        const second = await ctx.sim.notifications.waitFor(
          (a) => a.outTradeNo === outTradeNo && a.attempt === 2,
        );
        expect(first.acknowledged).toBe(false);
        expectRefusedAnswer(protocol, first.status ?? 0, first.responseBody ?? '');
        if (protocol === 'v3') expect(first.status).toBeGreaterThanOrEqual(500);
        expect([second.acknowledged, second.id]).toEqual([true, first.id]);
        const calls = endpoint.calls.get(outTradeNo) ?? [];
        expect(calls, 'one callback run per delivery').toHaveLength(2);
        expect(calls[1]?.id).toBe(calls[0]?.id);
      });

      it(`${protocol} payment notification: forged or altered by one byte, refused before the callback`, async () => {
        if (!accepted().includes(protocol)) return expectUnsupported(protocol);
        const sim = ctx.sim;
        const { outTradeNo, first } = await paid(protocol);
        // A copy altered by one byte, replayed with its original headers.
        const body = alterOneByte(protocol, first.body);
        const replay = await fetch(endpoint.urlFor(outTradeNo), {
          method: 'POST',
          headers: first.headers,
          body,
        });
        expectRefusedAnswer(protocol, replay.status, await replay.text());
        if (protocol === 'v3') expect(replay.status).toBe(401);
        // A forged signature, delivered by the simulator.
        const before = attemptsOf(outTradeNo, 'payment').length;
        sim.sendPaymentNotification(outTradeNo, { signature: 'bad' });
        const forged = await sim.notifications.waitFor(
          (a) =>
            a.outTradeNo === outTradeNo && attemptsOf(outTradeNo, 'payment').indexOf(a) === before,
        );
        expect(forged.acknowledged).toBe(false);
        expectRefusedAnswer(protocol, forged.status ?? 0, forged.responseBody ?? '');
        expect(endpoint.calls.get(outTradeNo) ?? []).toHaveLength(1);
        const errors = endpoint.errorsFor(outTradeNo);
        expect(errors.length).toBeGreaterThanOrEqual(2);
        expect(errors.every((e) => SignatureVerificationError.isInstance(e))).toBe(true);
      });
    }

    it('refund notification: acknowledged on the first attempt, callback run once', async () => {
      const sim = ctx.sim;
      const client = ctx.client;
      const outTradeNo = ctx.no();
      await createOwnOrder(outTradeNo, 300);
      sim.pay(outTradeNo, { silent: true });
      const outRefundNo = `${outTradeNo}RF`;
      const [amount, notifyUrl] = [{ refund: 120, total: 300 }, endpoint.urlFor(outTradeNo)];
      await client.refund({ order: { outTradeNo }, outRefundNo, amount, notifyUrl });
      sim.completeRefund(outRefundNo);
      const first = await sim.notifications.waitFor((a) => a.outRefundNo === outRefundNo);
      expect([first.protocol, first.attempt, first.acknowledged]).toEqual([
        client.protocol,
        1,
        true,
      ]);
      expect(attemptsOf(outRefundNo, 'refund')).toHaveLength(1);
      const calls = endpoint.calls.get(outRefundNo) ?? [];
      expect(calls).toHaveLength(1);
      const n = calls[0];
      expect(n?.type === 'refund' && [n.refund.status, n.refund.amount.refund]).toEqual([
        'SUCCESS',
        120,
      ]);
    });

    /** A notification of a protocol the client lacks: a failure in its own protocol, typed error. */
    async function expectUnsupported(protocol: NotificationProtocol) {
      const { outTradeNo, first } = await paid(protocol);
      expect(first.acknowledged).toBe(false);
      expectRefusedAnswer(protocol, first.status ?? 0, first.responseBody ?? '');
      expect(endpoint.calls.get(outTradeNo)).toBeUndefined();
      const error = endpoint.errorsFor(outTradeNo)[0];
      expect(UnsupportedNotificationProtocolError.isInstance(error)).toBe(true);
      expect((error as UnsupportedNotificationProtocolError).protocol).toBe(protocol);
    }
  });
}
