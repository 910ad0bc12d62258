import type { Order, Refund } from '@wxpay/core';
import type { CliIo } from './io.js';

/** Writes `data` as JSON (`--json`) or as aligned `key  value` lines. */
export function print(io: CliIo, json: boolean, data: Record<string, unknown>): void {
  if (json) {
    io.stdout.write(
      `${JSON.stringify(data, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v), 2)}\n`,
    );
    return;
  }
  // Humans get scalars and lists; `raw` and other nested objects are for --json.
  const entries = Object.entries(data).filter(
    ([, v]) => v !== undefined && (typeof v !== 'object' || Array.isArray(v)),
  );
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  for (const [k, v] of entries) io.stdout.write(`${k.padEnd(width)}  ${human(v)}\n`);
}

/** A list as a count plus its items on one line, anything else as its string. */
function human(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  return value.length === 0 ? 'none' : `${value.length}: ${JSON.stringify(value)}`;
}

/** The human-facing fields of an order. */
export function orderSummary(order: Order): Record<string, unknown> {
  return {
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    state: order.state,
    stateDescription: order.stateDescription,
    tradeType: order.tradeType,
    total: order.amount.total,
    payerTotal: order.amount.payerTotal,
    currency: order.amount.currency,
    openid: order.payer?.openid,
    successTime: order.successTime?.toISOString(),
    attach: order.attach,
    bankType: order.bankType,
    promotions: order.promotions,
    raw: order.raw,
  };
}

/** The human-facing fields of a refund. */
export function refundSummary(refund: Refund): Record<string, unknown> {
  return {
    outRefundNo: refund.outRefundNo,
    refundId: refund.refundId,
    status: refund.status,
    outTradeNo: refund.outTradeNo,
    transactionId: refund.transactionId,
    refund: refund.amount.refund,
    total: refund.amount.total,
    channel: refund.channel,
    receivedAccount: refund.receivedAccount,
    successTime: refund.successTime?.toISOString(),
    raw: refund.raw,
  };
}
