import type { CreateOrderBase, PaymentClient } from '@wxpay/core';

/** Options of {@link createLoadOrders}. */
export interface LoadOrdersOptions {
  /** How many orders to create. */
  readonly count: number;
  /** The start of every `out_trade_no`; the order's index follows, zero-padded to 4 digits. */
  readonly prefix: string;
  /** More order fields for every order (a v2 order needs `clientIp` and a `notifyUrl`). */
  readonly fields?: Partial<CreateOrderBase>;
  /** Runs after order `index` is created, to move it to its state (pay it, expire it …). */
  readonly afterCreate?: (outTradeNo: string, index: number) => void;
}

/**
 * Creates the orders a load test queries (both adapters' load suites): native orders of
 * 100 + index fen, one after another, so each answer differs from the next and an answer mixed
 * up between orders shows. Returns their `out_trade_no`s in index order.
 */
export async function createLoadOrders(
  client: Pick<PaymentClient, 'createOrder'>,
  options: LoadOrdersOptions,
): Promise<string[]> {
  const orders: string[] = [];
  for (let index = 0; index < options.count; index++) {
    const outTradeNo = `${options.prefix}${String(index).padStart(4, '0')}`;
    const amount = { total: 100 + index, currency: 'CNY' };
    await client.createOrder({
      kind: 'native',
      outTradeNo,
      description: 'load',
      amount,
      ...options.fields,
    });
    options.afterCreate?.(outTradeNo, index);
    orders.push(outTradeNo);
  }
  return orders;
}
