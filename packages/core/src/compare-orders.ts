import type { Order } from './types.js';

/** One field on which two views of the same order disagree. */
export interface OrderDivergence {
  /** Dotted neutral field name (`amount.total`). */
  readonly field: string;
  readonly primary: unknown;
  readonly secondary: unknown;
}

function fields(order: Order): Record<string, unknown> {
  return {
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    state: order.state,
    tradeType: order.tradeType,
    'amount.total': order.amount.total,
    'amount.payerTotal': order.amount.payerTotal,
    'amount.currency': order.amount.currency,
    'payer.openid': order.payer?.openid,
    successTime: order.successTime?.getTime(),
    attach: order.attach,
    bankType: order.bankType,
    'promotions.count': order.promotions.length,
    'promotions.amount': order.promotions.reduce((sum, p) => sum + p.amount, 0),
  };
}

/**
 * Compares two neutral views of one order field by field. A field absent on either side is not
 * a divergence: v2 omits amounts and payer for unpaid orders where v3 reports them, and that
 * is a protocol difference, not a disagreement about the order.
 */
export function compareOrders(primary: Order, secondary: Order): OrderDivergence[] {
  const a = fields(primary);
  const b = fields(secondary);
  const out: OrderDivergence[] = [];
  for (const field of Object.keys(a)) {
    const x = a[field];
    const y = b[field];
    if (x === undefined || y === undefined) continue;
    if (
      field.startsWith('promotions.') &&
      (primary.promotions.length === 0 || secondary.promotions.length === 0)
    ) {
      continue;
    }
    if (x !== y) out.push({ field, primary: x, secondary: y });
  }
  return out;
}
