import { isTradeState, type Order, type Promotion, UnknownTradeStateError } from '@wxpay/core';
import { parseRfc3339 } from './map-time.js';
import { partnerAnswerFields } from './partner/map-partner.js';
import { decodeWire } from './schemas/decode-wire.js';
import { transactionSchema, type WireTransaction } from './schemas/transaction.js';

/** Spreads `{key: value}` only when value is defined (exactOptionalPropertyTypes-friendly). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Maps a v3 Transaction to the neutral {@link Order}. An unknown `trade_state` is an
 * {@link UnknownTradeStateError} with the raw object kept; other unknown enum values pass
 * through as strings.
 */
export function toOrder(value: unknown): Order {
  const wire: WireTransaction = decodeWire(transactionSchema, value, 'transaction');
  const raw = value as Record<string, unknown>;
  if (!isTradeState(wire.trade_state)) {
    throw new UnknownTradeStateError(`unknown trade_state ${JSON.stringify(wire.trade_state)}`, {
      issues: [{ path: 'trade_state', message: 'not one of the eight known trade states' }],
      raw,
    });
  }
  const promotions: Promotion[] = (wire.promotion_detail ?? []).map((p) => ({
    couponId: p.coupon_id,
    amount: p.amount,
    ...opt('type', p.type),
    ...opt('name', p.name),
    ...opt('scope', p.scope),
  }));
  const amount = wire.amount;
  const { spOpenid, ...partner } = partnerAnswerFields(raw);
  const openid = wire.payer?.openid || spOpenid;
  return {
    outTradeNo: wire.out_trade_no,
    state: wire.trade_state,
    ...opt('transactionId', wire.transaction_id || undefined),
    ...opt('stateDescription', wire.trade_state_desc),
    ...opt('tradeType', wire.trade_type || undefined),
    amount: {
      ...opt('total', amount?.total),
      ...opt('payerTotal', amount?.payer_total),
      ...opt('currency', amount?.currency),
      ...opt('payerCurrency', amount?.payer_currency),
    },
    ...opt('payer', openid ? { openid } : undefined),
    ...opt('successTime', parseRfc3339(wire.success_time, 'success_time', raw)),
    ...opt('attach', wire.attach),
    ...opt('bankType', wire.bank_type || undefined),
    promotions,
    ...partner,
    raw,
  };
}
