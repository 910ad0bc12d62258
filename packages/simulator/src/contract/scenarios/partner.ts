import {
  createNodeNotificationHandler,
  InvalidRequestError,
  OrderNotFoundError,
  type PaymentNotification,
} from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../../testing/local-server.js';
import { type ContractContext, OPENID } from '../context.js';
import { parseV2 } from '../raw-client.js';

// A well-formed merchant id that is not bound to the simulated provider.
const UNBOUND_SUB_MCH_ID = '1900000109';

/**
 * Partner (service-provider) mode, when the suite runs with `partner: true`: sub-merchant
 * clients share the provider's client; each order, refund and notification names its
 * sub-merchant; one notify endpoint serves all sub-merchants; a sub-merchant not bound to the
 * provider is refused as WeChat Pay refuses it (docs/protocol/partner.md).
 */
export function describePartnerMode(ctx: ContractContext): void {
  if (!ctx.options.partner) return;
  const { no, params, expectError } = ctx;
  describe('partner mode', () => {
    const subs = () => {
      const [a, b] = ctx.sim.subMerchants.list();
      if (!a || !b || !ctx.provider) throw new Error('partner mode needs two bound sub-merchants');
      return { a, b, provider: ctx.provider };
    };

    it('orders name their sub-merchant on the wire and in answers; another sub-merchant cannot see them', async () => {
      const { a, b, provider } = subs();
      const clientA = provider.forSubMerchant(a);
      const clientB = provider.forSubMerchant(b);
      expect(clientA.subMerchant).toEqual(a);
      const outTradeNo = no();
      await clientA.createOrder(params('native', outTradeNo));
      const request = [...ctx.sim.requests].reverse().find((r) => r.body.includes(outTradeNo));
      if (ctx.client.protocol === 'v2') {
        const f = parseV2(request?.body ?? '');
        expect(f.mch_id).toBe(ctx.sim.merchant.mchId);
        expect(f.sub_mch_id).toBe(a.subMchId);
        expect(f.sub_appid).toBe(a.subAppId);
      } else {
        expect(request?.path).toBe('/v3/pay/partner/transactions/native');
        expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
          sp_appid: ctx.sim.merchant.appId,
          sp_mchid: ctx.sim.merchant.mchId,
          sub_appid: a.subAppId,
          sub_mchid: a.subMchId,
        });
      }
      ctx.sim.pay(outTradeNo, { silent: true });
      const order = await clientA.queryOrder({ outTradeNo });
      expect(order.state).toBe('SUCCESS');
      expect(order.subMchId).toBe(a.subMchId);
      expect(order.subAppId).toBe(a.subAppId);
      await expectError(clientB.queryOrder({ outTradeNo }), OrderNotFoundError);
      const refund = await clientA.refund({
        order: { outTradeNo },
        outRefundNo: `${outTradeNo}P`,
        amount: { refund: 100, total: 100 },
        notifyUrl: ctx.receiver.url,
      });
      expect(refund.subMchId).toBe(a.subMchId);
      expect((await clientA.queryRefund(`${outTradeNo}P`)).subMchId).toBe(a.subMchId);
    });

    it('a JSAPI payer under the sub-merchant appid: sub_openid sent, bridge signed for sub_appid', async () => {
      const { a, provider } = subs();
      const client = provider.forSubMerchant(a);
      const outTradeNo = no();
      const prepay = await client.createOrder({
        ...params('jsapi', outTradeNo),
        kind: 'jsapi',
        payer: { subOpenid: 'oSubOpenid0000000001' },
      });
      expect(prepay.kind === 'jsapi' && prepay.bridgeConfig.appId).toBe(a.subAppId);
      const body = [...ctx.sim.requests].reverse().find((r) => r.body.includes(outTradeNo))?.body;
      if (ctx.client.protocol === 'v2') {
        expect(parseV2(body ?? '').sub_openid).toBe('oSubOpenid0000000001');
      } else {
        expect(JSON.parse(body ?? '{}').payer).toEqual({ sub_openid: 'oSubOpenid0000000001' });
      }
      ctx.sim.pay(outTradeNo, { silent: true });
      const order = await client.queryOrder({ outTradeNo });
      expect(order.subOpenid).toBe('oSubOpenid0000000001');
      // A payer under the provider's appid is sent as sp_openid; the bridge is signed for it.
      const spNo = no();
      const sp = await client.createOrder(params('jsapi', spNo));
      expect(sp.kind === 'jsapi' && sp.bridgeConfig.appId).toBe(ctx.sim.merchant.appId);
      const spBody = [...ctx.sim.requests].reverse().find((r) => r.body.includes(spNo))?.body;
      if (ctx.client.protocol === 'v2') {
        expect(parseV2(spBody ?? '')).toMatchObject({ openid: OPENID });
        expect(parseV2(spBody ?? '').sub_openid).toBeUndefined();
      } else {
        expect(JSON.parse(spBody ?? '{}').payer).toEqual({ sp_openid: OPENID });
      }
      const app = await client.createOrder(params('app', no()));
      expect(app.kind === 'app' && app.appConfig.partnerid).toBe(a.subMchId);
      expect(app.kind === 'app' && app.appConfig.appid).toBe(a.subAppId);
    });

    it('notifications for two sub-merchants arrive at one endpoint, each with its subMchId', async () => {
      const { a, b, provider } = subs();
      const got: PaymentNotification[] = [];
      // One endpoint for every sub-merchant: core's notification kernel serving the provider.
      const handler = createNodeNotificationHandler(provider, async (n) => {
        got.push(n);
      });
      // The merchant's notify endpoint on 127.0.0.1 (the handlers never reject).
      const served = await startLocalServer((req, res) => void handler(req, res));
      try {
        const url = `${served.url}/wxpay/notify`;
        const [noA, noB] = [no(), no()];
        await provider.forSubMerchant(a).createOrder({ ...params('native', noA), notifyUrl: url });
        await provider.forSubMerchant(b).createOrder({ ...params('native', noB), notifyUrl: url });
        ctx.sim.pay(noA);
        ctx.sim.pay(noB);
        for (const n of [noA, noB]) {
          await ctx.sim.notifications.waitFor((x) => x.outTradeNo === n && x.acknowledged);
        }
        expect(got, 'one callback per sub-merchant notification').toHaveLength(2);
        const bySub = Object.fromEntries(
          got.map((n) => [n.type === 'payment' ? n.order.outTradeNo : '', n]),
        );
        expect(bySub[noA]?.subMchId).toBe(a.subMchId);
        expect(bySub[noB]?.subMchId).toBe(b.subMchId);
        const orderB = bySub[noB]?.type === 'payment' ? bySub[noB].order : undefined;
        expect(orderB?.subMchId).toBe(b.subMchId);
      } finally {
        await served.stop();
        await ctx.sim.notifications.idle();
      }
    });

    it('a refund notification names its sub-merchant', async () => {
      const { a, provider } = subs();
      const client = provider.forSubMerchant(a);
      const outTradeNo = no();
      await client.createOrder(params('native', outTradeNo));
      ctx.sim.pay(outTradeNo, { silent: true });
      const outRefundNo = `${outTradeNo}N`;
      await client.refund({
        order: { outTradeNo },
        outRefundNo,
        amount: { refund: 100, total: 100 },
        notifyUrl: ctx.receiver.url,
      });
      ctx.sim.completeRefund(outRefundNo);
      const attempt = await ctx.sim.notifications.waitFor((x) => x.outRefundNo === outRefundNo);
      const n = await ctx.receiver.waitFor((r) => r.text === attempt.body);
      const parsed = await provider.parseNotification({ headers: n.headers, body: n.body });
      expect(parsed.type).toBe('refund');
      expect(parsed.subMchId).toBe(a.subMchId);
      expect(parsed.type === 'refund' && parsed.refund.subMchId).toBe(a.subMchId);
    });

    it('a sub-merchant not bound to the provider is refused: InvalidRequestError, no order', async () => {
      const { provider } = subs();
      const stranger = provider.forSubMerchant({ subMchId: UNBOUND_SUB_MCH_ID });
      const outTradeNo = no();
      const error = (await expectError(
        stranger.createOrder(params('native', outTradeNo)),
        InvalidRequestError,
      )) as InvalidRequestError;
      // The code live WeChat Pay answers: v3 INVALID_REQUEST; v2 a return_code=FAIL (受理关系不存在).
      expect(error.code).toBe(ctx.client.protocol === 'v3' ? 'INVALID_REQUEST' : 'FAIL');
      expect(error.message).toContain(
        ctx.client.protocol === 'v3' ? '服务商和子商户没有绑定关系' : '受理关系不存在',
      );
      expect(ctx.sim.getOrder(outTradeNo)).toBeUndefined();
    });
  });
}
