import {
  isTradeState,
  type Promotion,
  ResponseValidationError,
  type TradeState,
  UnknownTradeStateError,
} from '@wxpay/core';
import { parseBeijingTime } from './map-time.js';
import { partnerFieldsOf } from './partner/map-partner.js';
import type { V2Order } from './types.js';

type Raw = Readonly<Record<string, string>>;

/** Integer fen from already-validated text, or undefined when absent/empty. */
export function fen(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

/** A required Beijing time field as a Date; a present but invalid value is a validation error. */
export function beijingTime(raw: Raw, field: string): Date | undefined {
  const text = raw[field];
  if (!text) return undefined;
  const date = parseBeijingTime(text);
  if (!date) {
    throw new ResponseValidationError(`invalid ${field}`, {
      issues: [{ path: field, message: 'must be a Beijing time (yyyyMMddHHmmss)' }],
      raw,
    });
  }
  return date;
}

const COUPON = /^coupon_(type|id|fee)_(\d+)$/;

/** Folds `coupon_{type,id,fee}_$n` into promotions, ordered by `$n`; `NO_CASH` → `NOCASH`. */
export function promotionsOf(raw: Raw): Promotion[] {
  const byIndex = new Map<number, { type?: string; id?: string; fee?: string }>();
  for (const [name, value] of Object.entries(raw)) {
    const m = COUPON.exec(name);
    if (!m) continue;
    const index = Number(m[2]);
    const entry = byIndex.get(index) ?? {};
    entry[m[1] as 'type' | 'id' | 'fee'] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, entry]) => {
      const amount = entry.fee === undefined ? 0 : Number(entry.fee);
      if (!Number.isSafeInteger(amount) || amount < 0) {
        throw new ResponseValidationError(`invalid coupon_fee_${index}`, {
          issues: [{ path: `coupon_fee_${index}`, message: 'must be an integer (fen)' }],
          raw,
        });
      }
      const type = entry.type === 'NO_CASH' ? 'NOCASH' : entry.type;
      return { couponId: entry.id ?? '', amount, ...(type ? { type } : {}) };
    });
}

/** Reads `trade_state`, raising {@link UnknownTradeStateError} (raw kept) for unknown values. */
export function tradeStateOf(raw: Raw): TradeState {
  const state = raw.trade_state;
  if (!isTradeState(state)) {
    throw new UnknownTradeStateError(`unknown trade_state ${JSON.stringify(state ?? '')}`, {
      issues: [{ path: 'trade_state', message: 'not one of the eight known trade states' }],
      raw,
    });
  }
  return state;
}

/**
 * Maps an order-shaped wire object (orderquery, micropay, payment notification) to a
 * {@link V2Order}. The caller decides the state; every known field is mapped, `raw` keeps all.
 */
export function toOrder(raw: Raw, state: TradeState): V2Order {
  const total = fen(raw.total_fee);
  const payerTotal = fen(raw.cash_fee);
  const settlementTotal = fen(raw.settlement_total_fee);
  const couponTotal = fen(raw.coupon_fee);
  const successTime = beijingTime(raw, 'time_end');
  const amount = {
    ...(total !== undefined ? { total } : {}),
    ...(payerTotal !== undefined ? { payerTotal } : {}),
    ...(raw.fee_type ? { currency: raw.fee_type } : {}),
    ...(raw.cash_fee_type ? { payerCurrency: raw.cash_fee_type } : {}),
  };
  const order: V2Order = {
    outTradeNo: raw.out_trade_no ?? '',
    state,
    amount,
    promotions: promotionsOf(raw),
    raw,
    ...(raw.transaction_id ? { transactionId: raw.transaction_id } : {}),
    ...(raw.trade_state_desc ? { stateDescription: raw.trade_state_desc } : {}),
    ...(raw.trade_type ? { tradeType: raw.trade_type } : {}),
    ...(raw.openid ? { payer: { openid: raw.openid } } : {}),
    ...(successTime ? { successTime } : {}),
    ...(raw.attach ? { attach: raw.attach } : {}),
    ...(raw.bank_type ? { bankType: raw.bank_type } : {}),
    ...(raw.device_info ? { deviceId: raw.device_info } : {}),
    ...(raw.is_subscribe ? { subscribed: raw.is_subscribe === 'Y' } : {}),
    ...(settlementTotal !== undefined ? { settlementTotal } : {}),
    ...(couponTotal !== undefined ? { couponTotal } : {}),
    ...partnerFieldsOf(raw),
  };
  return order;
}
