import {
  type PaymentNotification,
  SignatureProbeError,
  SignatureVerificationError,
} from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { ContractContext } from '../context.js';
import type { ReceivedNotification } from '../notification-receiver.js';

/** Delivered notifications: accepted, altered, redelivered, stale or probes. */
export function describeNotifications(ctx: ContractContext): void {
  const { create, expectError } = ctx;
  describe('notifications', () => {
    const delivered = async (
      predicate: (a: {
        outTradeNo: string;
        type: string;
        attempt: number;
        headers: Readonly<Record<string, string>>;
      }) => boolean,
    ) => {
      const attempt = await ctx.sim.notifications.waitFor(predicate);
      return ctx.receiver.waitFor(
        (n) => n.text === attempt.body && sameTimestamp(n, attempt.headers),
      );
    };
    const parse = (n: ReceivedNotification, body: Buffer | string = n.body) =>
      ctx.client.parseNotification({ headers: n.headers, body });

    it('the payment notification the simulator delivers is accepted', async () => {
      const { outTradeNo } = await create('jsapi', 100);
      const paid = ctx.sim.pay(outTradeNo);
      const n = await delivered((a) => a.outTradeNo === outTradeNo && a.type === 'payment');
      const parsed: PaymentNotification = await parse(n);
      expect(parsed.type).toBe('payment');
      if (parsed.type !== 'payment') return;
      expect(parsed.id.length).toBeGreaterThan(0);
      expect(parsed.order.outTradeNo).toBe(outTradeNo);
      expect(parsed.order.state).toBe('SUCCESS');
      expect(parsed.order.transactionId).toBe(paid.transactionId);
      expect(parsed.order.amount.total).toBe(100);
      const ack = await ctx.sim.notifications.waitFor(
        (a) => a.outTradeNo === outTradeNo && a.acknowledged,
      );
      expect(ack.attempt).toBe(1);
    });

    it('a copy altered by one byte is rejected', async () => {
      const { outTradeNo } = await create();
      const paid = ctx.sim.pay(outTradeNo);
      const n = await delivered((a) => a.outTradeNo === outTradeNo && a.type === 'payment');
      const altered = Buffer.from(n.body);
      const text = n.text;
      // v2: a digit of transaction_id; v3: a character of the event id. Both are signed.
      const anchor = ctx.client.protocol === 'v2' ? (paid.transactionId ?? '') : '"id":"';
      const found = text.indexOf(anchor);
      expect(found, 'the anchor of the altered byte is in the body').toBeGreaterThanOrEqual(0);
      const at = found + (ctx.client.protocol === 'v2' ? 10 : anchor.length);
      altered[at] = altered[at] === 0x31 ? 0x32 : 0x31;
      await expectError(parse(n, altered), SignatureVerificationError);
      // The untouched original still verifies.
      expect((await parse(n)).type).toBe('payment');
    });

    it('the refund notification is accepted', async () => {
      const { outTradeNo } = await create('native', 200);
      ctx.sim.pay(outTradeNo, { silent: true });
      const outRefundNo = `${outTradeNo}RN`;
      await ctx.client.refund({
        order: { outTradeNo },
        outRefundNo,
        amount: { refund: 200, total: 200 },
        notifyUrl: ctx.receiver.url,
      });
      expect(ctx.sim.getRefund(outRefundNo)?.notifyUrl, 'the refund carries its notify_url').toBe(
        ctx.receiver.url,
      );
      ctx.sim.completeRefund(outRefundNo);
      const attempt = await ctx.sim.notifications.waitFor((a) => a.outRefundNo === outRefundNo);
      const n = await ctx.receiver.waitFor((r) => r.text === attempt.body);
      const parsed = await parse(n);
      expect(parsed.type).toBe('refund');
      if (parsed.type !== 'refund') return;
      expect(parsed.refund.outRefundNo).toBe(outRefundNo);
      expect(parsed.refund.status).toBe('SUCCESS');
      expect(parsed.refund.amount.refund).toBe(200);
    });

    it('a redelivered notification carries the same id', async () => {
      let first = true;
      const ack = ctx.receiver.respond;
      ctx.receiver.respond = (n, i) => {
        if (!first) return ack(n, i);
        first = false;
        return ctx.client.protocol === 'v2'
          ? {
              status: 200,
              body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>',
            }
          : { status: 500, body: '{"code":"FAIL","message":"busy"}' };
      };
      try {
        const { outTradeNo } = await create();
        ctx.sim.pay(outTradeNo);
        const second = await ctx.sim.notifications.waitFor(
          (a) => a.outTradeNo === outTradeNo && a.attempt === 2,
        );
        expect(second.acknowledged).toBe(true);
        const [a, b] = ctx.sim.notifications.forOrder(outTradeNo);
        expect(a?.acknowledged).toBe(false);
        const received = await Promise.all(
          [a, b].map((x) =>
            ctx.receiver.waitFor((r) => r.text === x?.body && sameTimestamp(r, x?.headers ?? {})),
          ),
        );
        const [p1, p2] = await Promise.all(received.map((r) => parse(r)));
        expect(p1?.id).toBe(p2?.id);
      } finally {
        ctx.receiver.respond = ack;
      }
    });

    it('notifications that are stale, future or probes (v3), or mis-signed (v2), are rejected', async () => {
      const { outTradeNo } = await create();
      ctx.sim.pay(outTradeNo, { silent: true });
      if (ctx.client.protocol === 'v2') {
        // Which v2 sign types a client accepts is the live-forms group's subject; here the
        // signature itself is wrong.
        ctx.sim.sendPaymentNotification(outTradeNo, { signature: 'bad' });
        const n = await delivered((a) => a.outTradeNo === outTradeNo);
        await expectError(parse(n), SignatureVerificationError);
        return;
      }
      for (const offset of [-600, 600]) {
        ctx.sim.sendPaymentNotification(outTradeNo, { timestampOffsetSeconds: offset });
        const n = await delivered(
          (a) =>
            a.outTradeNo === outTradeNo &&
            Math.abs(Number(a.headers['Wechatpay-Timestamp']) - (Date.now() / 1000 + offset)) < 60,
        );
        await expectError(parse(n), SignatureVerificationError);
      }
      ctx.sim.sendPaymentNotification(outTradeNo, { signature: 'probe' });
      const probe = await delivered(
        (a) =>
          a.outTradeNo === outTradeNo &&
          (a.headers['Wechatpay-Signature'] ?? '').startsWith('WECHATPAY/SIGNTEST/'),
      );
      await expectError(parse(probe), SignatureProbeError);
    });
  });
}

function sameTimestamp(n: ReceivedNotification, sent: Readonly<Record<string, string>>): boolean {
  const ts = sent['Wechatpay-Timestamp'];
  return ts === undefined || n.headers['wechatpay-timestamp'] === ts;
}
