import {
  OrderClosedError,
  OrderNotFoundError,
  OrderPaidError,
  RefundNotFoundError,
} from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { ContractContext } from '../context.js';

/** The same typed error class for the same failure in both protocols. */
export function describeErrorClasses(ctx: ContractContext): void {
  const { params, create, expectError } = ctx;
  describe('errors are the same classes in both protocols', () => {
    it('unknown order → OrderNotFoundError (query by either ref, refund); closing it succeeds', async () => {
      await expectError(
        ctx.client.queryOrder({ outTradeNo: 'NEVER_CREATED_1' }),
        OrderNotFoundError,
      );
      await expectError(
        ctx.client.queryOrder({ transactionId: '4200000000202601010000000000' }),
        OrderNotFoundError,
      );
      // Live close answers success for an unknown order (docs/protocol/live-behaviour.md).
      await expect(ctx.client.closeOrder('NEVER_CREATED_2')).resolves.toBeUndefined();
      const order = { outTradeNo: 'NEVER_CREATED_3' };
      const refund = { order, outRefundNo: 'NEVER_R_3', amount: { refund: 1, total: 1 } };
      await expectError(ctx.client.refund(refund), OrderNotFoundError);
    });

    it('unknown refund → RefundNotFoundError', async () => {
      await expectError(ctx.client.queryRefund('NEVER_REFUNDED_1'), RefundNotFoundError);
    });

    it('closing or re-creating a paid order → OrderPaidError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.pay(outTradeNo, { silent: true });
      await expectError(ctx.client.closeOrder(outTradeNo), OrderPaidError);
      await expectError(ctx.client.createOrder(params('native', outTradeNo)), OrderPaidError);
    });

    it('re-creating a closed order → OrderClosedError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.expire(outTradeNo);
      await expectError(ctx.client.createOrder(params('native', outTradeNo)), OrderClosedError);
    });
  });
}
