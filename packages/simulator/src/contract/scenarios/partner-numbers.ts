import {
  createNodeNotificationHandler,
  OrderNotFoundError,
  type PaymentNotification,
} from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../../testing/local-server.js';
import type { ContractContext } from '../context.js';

/**
 * Order and refund numbers are per merchant: two sub-merchants of one provider may each have
 * an order (and a refund) of the same number, and they are different orders
 * (docs/protocol/partner.md). Registered by the partner group, through `forSubMerchant`.
 */
export function describePartnerOrderNumbers(ctx: ContractContext): void {
  const { no, params, expectError } = ctx;
  describe('order and refund numbers are per sub-merchant', () => {
    const pair = () => {
      const [a, b] = ctx.sim.subMerchants.list();
      if (!a || !b || !ctx.provider) throw new Error('partner mode needs two bound sub-merchants');
      const provider = ctx.provider;
      return { a, b, clientA: provider.forSubMerchant(a), clientB: provider.forSubMerchant(b) };
    };

    /** Both sub-merchants create an order of one number (other amounts, so no re-submit). */
    const createBoth = async (totalA: number, totalB: number) => {
      const { clientA, clientB } = pair();
      const outTradeNo = no();
      await clientA.createOrder(params('native', outTradeNo, totalA));
      await clientB.createOrder(params('native', outTradeNo, totalB));
      return outTradeNo;
    };

    it('two sub-merchants create, pay, query and close orders of one out_trade_no: each sees its own', async () => {
      const { a, b, clientA, clientB } = pair();
      const outTradeNo = await createBoth(100, 200);
      ctx.sim.pay(outTradeNo, { subMchId: a.subMchId, silent: true });
      expect(await clientA.queryOrder({ outTradeNo })).toMatchObject({
        state: 'SUCCESS',
        subMchId: a.subMchId,
        amount: { total: 100 },
      });
      const unpaid = await clientB.queryOrder({ outTradeNo });
      expect(unpaid).toMatchObject({ state: 'NOTPAY', subMchId: b.subMchId });
      expect(unpaid.transactionId).toBeUndefined();
      await clientB.closeOrder(outTradeNo);
      expect((await clientB.queryOrder({ outTradeNo })).state).toBe('CLOSED');
      expect((await clientA.queryOrder({ outTradeNo })).state).toBe('SUCCESS');
      expect(ctx.sim.getOrder(outTradeNo, { subMchId: b.subMchId })?.total).toBe(200);
    });

    it("a query by transaction_id finds the sub-merchant's own order; another's is not found", async () => {
      const { a, b, clientA, clientB } = pair();
      const outTradeNo = await createBoth(100, 200);
      const paidA = ctx.sim.pay(outTradeNo, { subMchId: a.subMchId, silent: true });
      const paidB = ctx.sim.pay(outTradeNo, { subMchId: b.subMchId, silent: true });
      const idA = paidA.transactionId ?? '';
      const idB = paidB.transactionId ?? '';
      expect(idA).not.toBe(idB);
      expect(await clientA.queryOrder({ transactionId: idA })).toMatchObject({
        outTradeNo,
        subMchId: a.subMchId,
        amount: { total: 100 },
      });
      expect(await clientB.queryOrder({ transactionId: idB })).toMatchObject({
        outTradeNo,
        subMchId: b.subMchId,
        amount: { total: 200 },
      });
      await expectError(clientB.queryOrder({ transactionId: idA }), OrderNotFoundError);
      await expectError(clientA.queryOrder({ transactionId: idB }), OrderNotFoundError);
    });

    it('two sub-merchants refund with one out_refund_no: each refund is its own', async () => {
      const { a, b, clientA, clientB } = pair();
      const outTradeNo = await createBoth(100, 300);
      ctx.sim.pay(outTradeNo, { subMchId: a.subMchId, silent: true });
      ctx.sim.pay(outTradeNo, { subMchId: b.subMchId, silent: true });
      const outRefundNo = `${outTradeNo}R`;
      const refund = (client: typeof clientA, fen: number, total: number) =>
        client.refund({
          order: { outTradeNo },
          outRefundNo,
          amount: { refund: fen, total },
          notifyUrl: ctx.receiver.url,
        });
      const refundA = await refund(clientA, 30, 100);
      const refundB = await refund(clientB, 50, 300);
      expect(refundA).toMatchObject({ subMchId: a.subMchId, amount: { refund: 30 } });
      expect(refundB).toMatchObject({ subMchId: b.subMchId, amount: { refund: 50 } });
      expect(refundB.refundId).not.toBe(refundA.refundId);
      ctx.sim.completeRefund(outRefundNo, 'SUCCESS', { subMchId: a.subMchId });
      expect(await clientA.queryRefund(outRefundNo)).toMatchObject({
        status: 'SUCCESS',
        subMchId: a.subMchId,
        amount: { refund: 30 },
      });
      expect(await clientB.queryRefund(outRefundNo)).toMatchObject({
        status: 'PROCESSING',
        subMchId: b.subMchId,
        amount: { refund: 50 },
      });
      await ctx.sim.notifications.idle();
    });

    it('payment notifications of both orders of one number arrive, each with its subMchId', async () => {
      const { a, b, clientA, clientB } = pair();
      const got: PaymentNotification[] = [];
      const handler = createNodeNotificationHandler(ctx.provider ?? clientA, async (n) => {
        got.push(n);
      });
      const served = await startLocalServer((req, res) => void handler(req, res));
      try {
        const notifyUrl = `${served.url}/wxpay/notify`;
        const outTradeNo = no();
        await clientA.createOrder({ ...params('native', outTradeNo, 100), notifyUrl });
        await clientB.createOrder({ ...params('native', outTradeNo, 200), notifyUrl });
        for (const sub of [a, b]) {
          ctx.sim.pay(outTradeNo, { subMchId: sub.subMchId });
          await ctx.sim.notifications.waitFor(
            (x) => x.outTradeNo === outTradeNo && x.subMchId === sub.subMchId && x.acknowledged,
          );
        }
        const orders = got.map((n) => (n.type === 'payment' ? n.order : undefined));
        expect(got.map((n) => n.subMchId)).toEqual([a.subMchId, b.subMchId]);
        expect(orders.map((o) => [o?.outTradeNo, o?.subMchId, o?.amount.total])).toEqual([
          [outTradeNo, a.subMchId, 100],
          [outTradeNo, b.subMchId, 200],
        ]);
      } finally {
        await served.stop();
        await ctx.sim.notifications.idle();
      }
    });
  });
}
