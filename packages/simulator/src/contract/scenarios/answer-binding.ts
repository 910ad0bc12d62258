import { AnswerMismatchError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../faults.js';
import type { ContractContext } from '../context.js';

// Another merchant of the same platform: one WeChat Pay key signs for every merchant (v3).
const OTHER_MCH_ID = '1900009999';
// Generous per-attempt time, so a loaded machine does not turn one request into two.
const slow = { timeoutMs: 30_000 };

/**
 * Scenarios: a correctly signed answer about another order, refund or merchant — as a caching
 * proxy or a replay would deliver it (the simulator's `foreign-answer` fault) — is refused
 * with an {@link AnswerMismatchError} naming the field, after exactly one request.
 */
export function describeAnswerBinding(ctx: ContractContext): void {
  describe('every answer is about what was asked', () => {
    const paidOrder = async (total = 300) => {
      const outTradeNo = ctx.no();
      await ctx.client.createOrder(ctx.params('native', outTradeNo, total));
      const paid = ctx.sim.pay(outTradeNo, { silent: true });
      return { outTradeNo, transactionId: paid.transactionId ?? '' };
    };
    const paths = () =>
      ctx.client.protocol === 'v2'
        ? {
            order: '/pay/orderquery',
            refund: '/secapi/pay/refund',
            refundQuery: '/pay/refundquery',
          }
        : {
            // Partner mode queries the partner endpoints.
            order: ctx.provider ? '/v3/pay/partner/transactions/' : '/v3/pay/transactions/',
            refund: '/v3/refund/domestic/refunds',
            refundQuery: '/v3/refund/domestic/refunds/',
          };

    /**
     * Runs `call` under a foreign-answer fault on `path`: it must fail with an
     * AnswerMismatchError naming one of `fields`, after one request about `about` (an id in the
     * request's URL or body; other requests on the path, e.g. from earlier tests, do not count).
     */
    async function refused(
      path: string,
      answerFor: NonNullable<FaultSpec['answerFor']>,
      call: () => Promise<unknown>,
      fields: readonly string[],
      about: string,
    ): Promise<void> {
      const sim = ctx.sim;
      const sent = () =>
        sim.requests.filter(
          (r) => r.path.startsWith(path) && (r.url.includes(about) || r.body.includes(about)),
        ).length;
      sim.faults.push({ kind: 'foreign-answer', path, answerFor, times: 5 });
      const before = sent();
      const error = (await ctx.expectError(call(), AnswerMismatchError)) as AnswerMismatchError;
      sim.faults.clear();
      expect(fields, `the error names ${error.field}`).toContain(error.field);
      expect(error.retryable).toBe(false);
      expect(sent() - before, 'a mismatch is not retried').toBe(1);
    }

    it('an answer about another order is refused, asked by out_trade_no or transaction_id', async () => {
      const [a, b] = await Promise.all([paidOrder(), paidOrder(500)]);
      // Asked by each reference in turn; the answer is about order b both times.
      const asks = [
        { ref: { outTradeNo: a.outTradeNo }, field: 'out_trade_no', about: a.outTradeNo },
        {
          ref: { transactionId: a.transactionId },
          field: 'transaction_id',
          about: a.transactionId,
        },
      ];
      for (const { ref, field, about } of asks) {
        const call = () => ctx.client.queryOrder(ref, slow);
        await refused(paths().order, { outTradeNo: b.outTradeNo }, call, [field], about);
      }
      // Without the fault the same calls answer about the order asked for.
      const order = await ctx.client.queryOrder({ transactionId: a.transactionId });
      expect(order.outTradeNo).toBe(a.outTradeNo);
    });

    it("an answer about another merchant's order is refused", async () => {
      const a = await paidOrder();
      await refused(
        paths().order,
        { mchId: OTHER_MCH_ID },
        () => ctx.client.queryOrder({ outTradeNo: a.outTradeNo }, slow),
        ['mch_id', 'mchid', 'sp_mchid'],
        a.outTradeNo,
      );
    });

    it('an answer about another refund, or a refund of another order, is refused', async () => {
      const [a, b] = await Promise.all([paidOrder(500), paidOrder()]);
      const refund = (outRefundNo: string) =>
        ctx.client.refund(
          {
            order: { outTradeNo: a.outTradeNo },
            outRefundNo,
            amount: { refund: 100, total: 500, currency: 'CNY' },
          },
          slow,
        );
      const first = `${a.outTradeNo}R1`;
      const second = `${a.outTradeNo}R2`;
      await refund(first);
      await refund(second);
      await refused(
        paths().refundQuery,
        { outRefundNo: second },
        () => ctx.client.queryRefund(first, slow),
        ['out_refund_no'],
        first,
      );
      await refused(
        paths().refund,
        { outRefundNo: first },
        () => refund(`${a.outTradeNo}R3`),
        ['out_refund_no'],
        `${a.outTradeNo}R3`,
      );
      await refused(
        paths().refund,
        { outTradeNo: b.outTradeNo },
        () => refund(`${a.outTradeNo}R4`),
        ['out_trade_no'],
        `${a.outTradeNo}R4`,
      );
      expect((await ctx.client.queryRefund(first)).outRefundNo).toBe(first);
    });
  });
}
