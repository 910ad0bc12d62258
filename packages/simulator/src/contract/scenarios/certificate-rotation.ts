import { expect, it } from 'vitest';
import type { ContractContext } from '../context.js';

/** Platform certificate rotation (certificate trust mode only). */
export function describeCertificateRotation(ctx: ContractContext): void {
  const { create, options } = ctx;
  if (options.simulator?.trust === 'certificate') {
    it('platform certificate rotation: after the known certificate is retired, answers and notifications still verify', async () => {
      const { outTradeNo } = await create();
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      // Two rotations: the certificate the client started with is no longer listed.
      await ctx.sim.rotatePlatformCertificate();
      const newest = await ctx.sim.rotatePlatformCertificate();
      const from = ctx.sim.requests.length;
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      ctx.sim.pay(outTradeNo);
      const attempt = await ctx.sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
      const n = await ctx.receiver.waitFor((r) => r.text === attempt.body);
      expect((await ctx.client.parseNotification({ headers: n.headers, body: n.body })).type).toBe(
        'payment',
      );
      if (ctx.client.protocol === 'v3') {
        expect(attempt.headers['Wechatpay-Serial']).toBe(newest);
        expect(ctx.sim.requests.slice(from).some((r) => r.path === '/v3/certificates')).toBe(true);
      }
    });
  }
}
