import { DuplicateOrderError } from '@wxpay/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { FormChoice } from '../../live-forms.js';
import type { ContractContext } from '../context.js';

/**
 * The live forms of docs/protocol/live-behaviour.md, each forced in turn (and at random):
 * duplicate orders, v2 notification signatures, v3 callbacks during the public-key migration.
 * Every client must handle every form the live service is known to produce.
 */
export function describeLiveForms(ctx: ContractContext): void {
  const { create, params, expectError } = ctx;
  describe('live forms (docs/protocol/live-behaviour.md)', () => {
    afterEach(() => {
      ctx.sim.live.duplicateOrder = 'documented';
      ctx.sim.live.v2NotifySign = 'documented';
      ctx.sim.live.publicKeyShare = 0.5;
    });

    it('a re-used out_trade_no → DuplicateOrderError in the documented, live and random forms', async () => {
      const forms: FormChoice[] = ['documented', 'live', 'random', 'random', 'random'];
      for (const form of forms) {
        ctx.sim.live.duplicateOrder = form;
        const { outTradeNo } = await create('native', 100);
        await expectError(
          ctx.client.createOrder(params('native', outTradeNo, 101)),
          DuplicateOrderError,
        );
      }
    });

    it('payment notifications are accepted in every signing form (v2 sign types; v3 keys while migrating)', async () => {
      const migrating = ctx.options.simulator?.trust === 'migrating';
      const forms = [
        { v2: 'documented', share: 1 },
        { v2: 'live', share: 0 },
        { v2: 'random', share: 0.5 },
        { v2: 'random', share: 0.5 },
      ] as const;
      for (const form of forms) {
        ctx.sim.live.v2NotifySign = form.v2;
        ctx.sim.live.publicKeyShare = form.share;
        const { outTradeNo } = await create('jsapi', 100);
        ctx.sim.pay(outTradeNo);
        const attempt = await ctx.sim.notifications.waitFor(
          (a) => a.outTradeNo === outTradeNo && a.type === 'payment',
        );
        const n = await ctx.receiver.waitFor((r) => r.text === attempt.body);
        if (attempt.protocol === 'v2' && form.v2 !== 'random') {
          // The live form has no sign_type element (and is MD5-signed).
          expect(n.text.includes('<sign_type>')).toBe(form.v2 === 'documented');
        }
        if (attempt.protocol === 'v3' && migrating && form.share !== 0.5) {
          const serial = String(n.headers['wechatpay-serial']);
          expect(serial.startsWith('PUB_KEY_ID_')).toBe(form.share === 1);
        }
        const parsed = await ctx.client.parseNotification({ headers: n.headers, body: n.body });
        expect(parsed.type).toBe('payment');
        if (parsed.type === 'payment') expect(parsed.order.outTradeNo).toBe(outTradeNo);
      }
    });
  });
}
