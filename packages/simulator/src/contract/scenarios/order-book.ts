import { describe, expect, it } from 'vitest';
import type { ContractContext } from '../context.js';
import { v2Request, v3Request } from '../raw-client.js';
import { createRawOrder } from '../raw-order.js';

/** One order book for v2 and v3: an order made through one protocol is read through the other. */
export function describeSharedOrderBook(ctx: ContractContext): void {
  const { raw, no, create } = ctx;
  describe('one order book for v2 and v3', () => {
    it('an order created by this client is read through the other protocol', async () => {
      const { outTradeNo } = await create('native', 321);
      ctx.sim.pay(outTradeNo, { silent: true });
      const tx = ctx.sim.getOrder(outTradeNo)?.transactionId;
      // Partner mode: the order is the sub-merchant's, so the query names it (numbers are per
      // sub-merchant; the provider's own queries do not see it, docs/protocol/partner.md).
      const sub = ctx.subMerchant?.subMchId;
      const { mchId } = ctx.sim.merchant;
      if (ctx.client.protocol === 'v2') {
        const res = await v3Request(
          ctx.sim.url,
          'GET',
          sub
            ? `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}?sp_mchid=${mchId}&sub_mchid=${sub}`
            : `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${mchId}`,
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
          { out_trade_no: outTradeNo, ...(sub ? { sub_mch_id: sub } : {}) },
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
      const other = ctx.client.protocol === 'v2' ? 'v3' : 'v2';
      const created = {
        outTradeNo,
        total: 77,
        notifyUrl: ctx.receiver.url,
        description: 'migrated',
        // Partner mode: the other protocol creates it for the same sub-merchant.
        ...(ctx.subMerchant ? { subMchId: ctx.subMerchant.subMchId } : {}),
      };
      await createRawOrder(ctx.sim, other, created, raw());
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      const paid = ctx.sim.pay(outTradeNo, { silent: true });
      const order = await ctx.client.queryOrder({ transactionId: paid.transactionId ?? '' });
      expect(order.outTradeNo).toBe(outTradeNo);
      expect(order.amount.total).toBe(77);
    });
  });
}
