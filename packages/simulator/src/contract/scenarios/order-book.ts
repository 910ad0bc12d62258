import { describe, expect, it } from 'vitest';
import type { ContractContext } from '../context.js';
import { v2Request, v3Request } from '../raw-client.js';

/** One order book for v2 and v3: an order made through one protocol is read through the other. */
export function describeSharedOrderBook(ctx: ContractContext): void {
  const { raw, no, create } = ctx;
  describe('one order book for v2 and v3', () => {
    it('an order created by this client is read through the other protocol', async () => {
      const { outTradeNo } = await create('native', 321);
      ctx.sim.pay(outTradeNo, { silent: true });
      const tx = ctx.sim.getOrder(outTradeNo)?.transactionId;
      if (ctx.client.protocol === 'v2') {
        const res = await v3Request(
          ctx.sim.url,
          'GET',
          `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${ctx.sim.merchant.mchId}`,
          ctx.sim.merchant,
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
          ctx.sim.url,
          '/pay/orderquery',
          ctx.sim.merchant,
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
      // Partner mode: the other protocol creates it for the same sub-merchant.
      const sub = ctx.subMerchant;
      if (ctx.client.protocol === 'v2') {
        const res = await v3Request(
          ctx.sim.url,
          'POST',
          sub ? '/v3/pay/partner/transactions/native' : '/v3/pay/transactions/native',
          ctx.sim.merchant,
          {
            ...(sub
              ? {
                  sp_appid: ctx.sim.merchant.appId,
                  sp_mchid: ctx.sim.merchant.mchId,
                  sub_mchid: sub.subMchId,
                }
              : { appid: ctx.sim.merchant.appId, mchid: ctx.sim.merchant.mchId }),
            description: 'migrated',
            out_trade_no: outTradeNo,
            notify_url: ctx.receiver.url,
            amount: { total: 77, currency: 'CNY' },
          },
          raw(),
        );
        expect(res.status).toBe(200);
      } else {
        const res = await v2Request(
          ctx.sim.url,
          '/pay/unifiedorder',
          ctx.sim.merchant,
          {
            body: 'migrated',
            out_trade_no: outTradeNo,
            total_fee: '77',
            spbill_create_ip: '127.0.0.1',
            notify_url: ctx.receiver.url,
            trade_type: 'NATIVE',
            product_id: 'P1',
            ...(sub ? { sub_mch_id: sub.subMchId } : {}),
          },
          'MD5',
          raw(),
        );
        expect(res.fields.result_code).toBe('SUCCESS');
      }
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      const paid = ctx.sim.pay(outTradeNo, { silent: true });
      const order = await ctx.client.queryOrder({ transactionId: paid.transactionId ?? '' });
      expect(order.outTradeNo).toBe(outTradeNo);
      expect(order.amount.total).toBe(77);
    });
  });
}
