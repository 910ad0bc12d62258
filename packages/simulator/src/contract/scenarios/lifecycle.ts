import { awaitFinalState, InvalidRequestError, type TradeState } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { type ContractContext, OPENID } from '../context.js';

/** Query, close, pay, refund: an order from NOTPAY to its final states. */
export function describeOrderLifecycle(ctx: ContractContext): void {
  const { create, expectError } = ctx;
  describe('the order lifecycle', () => {
    it('queries an unpaid order as NOTPAY', async () => {
      const { outTradeNo } = await create();
      const order = await ctx.client.queryOrder({ outTradeNo });
      expect(order.outTradeNo).toBe(outTradeNo);
      expect(order.state).toBe('NOTPAY');
      expect(order.transactionId).toBeUndefined();
    });

    it('pay → SUCCESS with amounts, payer and success time, by both refs', async () => {
      const { outTradeNo } = await create('jsapi', 250);
      const paid = ctx.sim.pay(outTradeNo, { silent: true });
      const byNo = await ctx.client.queryOrder({ outTradeNo });
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
      const byId = await ctx.client.queryOrder({ transactionId: paid.transactionId ?? '' });
      expect(byId.outTradeNo).toBe(outTradeNo);
      expect(byId.state).toBe('SUCCESS');
    });

    it('reports coupons as promotions and the payer total net of them', async () => {
      const { outTradeNo } = await create('native', 1000);
      ctx.sim.pay(outTradeNo, {
        coupons: [{ id: 'CP0001', type: 'CASH', amount: 150 }],
        silent: true,
      });
      const order = await ctx.client.queryOrder({ outTradeNo });
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
      await ctx.client.closeOrder(outTradeNo);
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('CLOSED');
      await ctx.client.closeOrder(outTradeNo);
      expect(ctx.sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
    });

    it('refund → PROCESSING and order REFUND; after completion queryRefund → SUCCESS', async () => {
      const { outTradeNo } = await create('native', 300);
      const paid = ctx.sim.pay(outTradeNo, { silent: true });
      const outRefundNo = `${outTradeNo}R1`;
      const refund = await ctx.client.refund({
        order: { outTradeNo },
        outRefundNo,
        amount: { refund: 120, total: 300, currency: 'CNY' },
        reason: 'contract',
      });
      expect(refund.outRefundNo).toBe(outRefundNo);
      expect(refund.status).toBe('PROCESSING');
      expect(refund.refundId).toBe(ctx.sim.getRefund(outRefundNo)?.refundId);
      expect(refund.amount.refund).toBe(120);
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('REFUND');
      expect((await ctx.client.queryRefund(outRefundNo)).status).toBe('PROCESSING');
      ctx.sim.completeRefund(outRefundNo);
      const done = await ctx.client.queryRefund(outRefundNo);
      expect(done.status).toBe('SUCCESS');
      expect(done.amount.refund).toBe(120);
      expect(done.outTradeNo).toBe(outTradeNo);
      expect(done.transactionId).toBe(paid.transactionId);
      expect(done.successTime).toBeInstanceOf(Date);
    });

    it('retrying a refund with the same out_refund_no does not refund twice', async () => {
      const { outTradeNo } = await create('native', 300);
      ctx.sim.pay(outTradeNo, { silent: true });
      const p = {
        order: { outTradeNo },
        outRefundNo: `${outTradeNo}R`,
        amount: { refund: 300, total: 300 },
      };
      const a = await ctx.client.refund(p);
      const b = await ctx.client.refund(p);
      expect(b.refundId).toBe(a.refundId);
      expect(ctx.sim.getOrder(outTradeNo)?.refunds).toHaveLength(1);
    });

    it('a failed payment → PAYERROR, where awaitFinalState stops', async () => {
      const { outTradeNo } = await create('jsapi');
      ctx.sim.setUserPaying(outTradeNo);
      ctx.sim.fail(outTradeNo);
      const order = await awaitFinalState(
        ctx.client,
        { outTradeNo },
        { initialIntervalMs: 50, timeoutMs: 5_000 },
      );
      expect(order.state).toBe('PAYERROR');
    });

    it('refunds that end CLOSED or ABNORMAL are reported as such', async () => {
      const { outTradeNo } = await create('native', 300);
      ctx.sim.pay(outTradeNo, { silent: true });
      for (const [i, status] of (['CLOSED', 'ABNORMAL'] as const).entries()) {
        const outRefundNo = `${outTradeNo}X${i}`;
        await ctx.client.refund({
          order: { outTradeNo },
          outRefundNo,
          amount: { refund: 100, total: 300 },
        });
        ctx.sim.completeRefund(outRefundNo, status);
        expect((await ctx.client.queryRefund(outRefundNo)).status).toBe(status);
      }
    });

    it('refunding more than is left → InvalidRequestError (INVALID_REQUEST, not NOTENOUGH)', async () => {
      const { outTradeNo } = await create('native', 300);
      ctx.sim.pay(outTradeNo, { silent: true });
      await ctx.client.refund({
        order: { outTradeNo },
        outRefundNo: `${outTradeNo}A`,
        amount: { refund: 200, total: 300 },
      });
      const error = await expectError(
        ctx.client.refund({
          order: { outTradeNo },
          outRefundNo: `${outTradeNo}B`,
          amount: { refund: 200, total: 300 },
        }),
        InvalidRequestError,
      );
      // NOTENOUGH means the merchant's balance is short (docs/protocol/live-behaviour.md).
      expect((error as { code?: string }).code).toBe('INVALID_REQUEST');
      expect(ctx.sim.getOrder(outTradeNo)?.refunds).toHaveLength(1);
    });

    it('USERPAYING → awaitFinalState reaches SUCCESS', async () => {
      const { outTradeNo } = await create('jsapi');
      ctx.sim.setUserPaying(outTradeNo);
      const seen: TradeState[] = [];
      const timer = setTimeout(() => ctx.sim.pay(outTradeNo, { silent: true }), 300);
      try {
        const order = await awaitFinalState(
          ctx.client,
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
}
