import { OrderNotFoundError, OrderPaidError, WxPayError } from './errors.js';
import type { Order } from './types.js';

/** How {@link settleClose} closes and looks up one order. */
export interface SettleCloseSteps {
  /** Sends the close request. */
  readonly close: () => Promise<void>;
  /** Queries the same order. */
  readonly query: () => Promise<Order>;
  /**
   * Whether a successful close answer still needs a query: true for v3, whose close answers
   * 204 also for orders it did not close (unknown, already closed, and — docs silent — paid).
   */
  readonly confirmSuccess: boolean;
}

const PAID = new Set(['SUCCESS', 'REFUND']);

function paidError(order: Order, cause: unknown): OrderPaidError {
  return new OrderPaidError(
    `order ${order.outTradeNo} is paid: the close did not take, a query shows ${order.state}`,
    {
      // wxpay's own code, named after the queried state; WeChat Pay sent no such code.
      code: `TRADE_STATE_${order.state}`,
      raw: order.raw,
      ...(cause instanceof Error ? { cause: { name: cause.name, message: cause.message } } : {}),
    },
  );
}

/**
 * Closes an order and settles an unclear outcome by querying it
 * (docs/protocol/live-behaviour.md, closing): when the close answer does not prove the order
 * closed — an answer that may not mean "closed", or a retryable failure — the order is queried;
 * paid (SUCCESS/REFUND) becomes an {@link OrderPaidError}, closed is success, and otherwise the
 * original failure stands. An order the query cannot find after a successful close answer is
 * success: nothing can be paid under that number.
 */
export async function settleClose(steps: SettleCloseSteps): Promise<void> {
  try {
    await steps.close();
  } catch (error) {
    if (!(WxPayError.isInstance(error) && error.retryable)) throw error;
    let order: Order;
    try {
      order = await steps.query();
    } catch {
      throw error;
    }
    if (PAID.has(order.state)) throw paidError(order, error);
    if (order.state === 'CLOSED' || order.state === 'REVOKED') return;
    throw error;
  }
  if (!steps.confirmSuccess) return;
  let order: Order;
  try {
    order = await steps.query();
  } catch (error) {
    if (OrderNotFoundError.isInstance(error)) return;
    throw error;
  }
  if (PAID.has(order.state)) throw paidError(order, undefined);
}
