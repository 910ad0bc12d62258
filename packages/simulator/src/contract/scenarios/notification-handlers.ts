import type { PaymentNotification } from '@wxpay/core';
import { expect, it } from 'vitest';
import { startLocalServer } from '../../testing/local-server.js';
import type { ContractContext } from '../context.js';

/** The adapter's node and web notification handlers served end to end (when given). */
export function describeNotificationHandlers(ctx: ContractContext): void {
  const { no, params, create, options } = ctx;
  const nodeHandler = options.nodeNotificationHandler;
  if (nodeHandler) {
    it('node handler: acknowledges, asks for redelivery when the callback throws, refuses forgeries', async () => {
      const got: PaymentNotification[] = [];
      let failNext = true;
      const handler = nodeHandler(ctx.client, async (n) => {
        if (failNext) {
          failNext = false;
          throw new Error('database unavailable: secret-internal-detail');
        }
        got.push(n);
      });
      // The merchant's notify endpoint on 127.0.0.1 (the handlers never reject).
      const served = await startLocalServer((req, res) => void handler(req, res));
      try {
        const url = `${served.url}/wxpay/notify`;
        const outTradeNo = no();
        await ctx.client.createOrder({ ...params('native', outTradeNo), notifyUrl: url });
        ctx.sim.pay(outTradeNo);
        const ok = await ctx.sim.notifications.waitFor(
          (a) => a.outTradeNo === outTradeNo && a.acknowledged,
        );
        expect(ok.attempt).toBe(2);
        const [first] = ctx.sim.notifications.forOrder(outTradeNo);
        expect(first?.acknowledged).toBe(false);
        expect(first?.responseBody ?? '').not.toContain('secret-internal-detail');
        if (ctx.client.protocol === 'v3') expect(first?.status).toBeGreaterThanOrEqual(500);
        else expect(first?.status).toBe(200);
        expect(ok.status).toBe(ctx.client.protocol === 'v3' ? 204 : 200);
        expect(got).toHaveLength(1);
        expect(got[0]?.type === 'payment' && got[0].order.outTradeNo).toBe(outTradeNo);

        const count = ctx.sim.notifications.forOrder(outTradeNo).length;
        ctx.sim.sendPaymentNotification(outTradeNo, { signature: 'bad' });
        const forged = await ctx.sim.notifications.waitFor(
          (a) =>
            a.outTradeNo === outTradeNo &&
            ctx.sim.notifications.forOrder(outTradeNo).indexOf(a) === count,
        );
        expect(forged.acknowledged).toBe(false);
        if (ctx.client.protocol === 'v3') expect(forged.status).toBe(401);
        expect(got).toHaveLength(1);
      } finally {
        await served.stop();
        await ctx.sim.notifications.idle();
      }
    });
  }

  const webHandler = options.webNotificationHandler;
  if (webHandler) {
    it('web handler: accepts a delivered notification and refuses an altered one', async () => {
      const got: PaymentNotification[] = [];
      const handler = webHandler(ctx.client, async (n) => {
        got.push(n);
      });
      const { outTradeNo } = await create();
      ctx.sim.pay(outTradeNo);
      const attempt = await ctx.sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
      const n = await ctx.receiver.waitFor((r) => r.text === attempt.body);
      const headers = new Headers();
      for (const [k, v] of Object.entries(n.headers)) if (typeof v === 'string') headers.set(k, v);
      const request = (body: Buffer) =>
        new Request('https://merchant.example/wxpay/notify', { method: 'POST', headers, body });
      const ok = await handler(request(n.body));
      expect(ok.status).toBe(ctx.client.protocol === 'v3' ? 204 : 200);
      expect(got).toHaveLength(1);
      const altered = Buffer.from(n.body);
      const at = altered.length >> 1;
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      const refused = await handler(request(altered));
      if (ctx.client.protocol === 'v3') expect(refused.status).toBeGreaterThanOrEqual(400);
      else expect(await refused.text()).toContain('FAIL');
      expect(got).toHaveLength(1);
    });
  }
}
