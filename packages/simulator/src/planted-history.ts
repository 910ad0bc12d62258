import type { HandlerState } from './handler-state.js';
import { newTransactionId, randomDigits } from './ids.js';
import type { SimulatedOrder } from './order-store.js';

/** Options of `Simulator.plantPaidOrders`. */
export interface PlantOptions {
  /** How many paid orders to add. */
  readonly count: number;
  /** Merchant order numbers are this prefix plus a zero-padded index (default `HIST`). */
  readonly prefix?: string;
  /** When they were paid (ms, simulator time; default now): decides the bill day. */
  readonly paidAt?: number;
  /** Amount of each order in fen (default 100 + index % 900). */
  readonly total?: number;
}

/**
 * Adds `count` orders that were created and paid earlier, straight into the order book, as a
 * day of a busy merchant's trade: they appear in queries and in the trade bill, without the
 * requests and notifications it would take to make them one by one. For bill-scale tests
 * (reconciling 100,000 rows). Returns the merchant order numbers' prefix.
 */
export function plantPaidOrders(state: HandlerState, options: PlantOptions): string {
  const prefix = options.prefix ?? 'HIST';
  const paidAt = options.paidAt ?? state.now();
  const width = String(Math.max(options.count - 1, 0)).length;
  for (let i = 0; i < options.count; i += 1) {
    const outTradeNo = `${prefix}${String(i).padStart(width, '0')}`;
    const order: SimulatedOrder = {
      mchId: state.creds.mchId,
      appId: state.creds.appId,
      outTradeNo,
      tradeType: 'NATIVE',
      state: 'SUCCESS',
      description: 'planted history',
      total: options.total ?? 100 + (i % 900),
      currency: 'CNY',
      openid: `o${randomDigits(12)}`,
      createdAt: paidAt - 60_000,
      expiresAt: paidAt + 7_200_000,
      paidAt,
      bankType: 'OTHERS',
      coupons: [],
      via: 'v2',
      fingerprint: `planted:${outTradeNo}`,
      signType: 'MD5',
      refunds: [],
    };
    state.store.add(order);
    state.store.assignTransactionId(order, newTransactionId(paidAt));
  }
  return prefix;
}
