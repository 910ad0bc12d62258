import { isTradeState, type Order, type Promotion, UnknownTradeStateError } from '@wxpay/core';
import { parseRfc3339 } from './map-time.js';
import { partnerAnswerFields } from './partner/map-partner.js';
import { decodeWire } from './schemas/decode-wire.js';
import { isWireTransaction } from './schemas/fast-check.js';
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
  // A verified answer of the expected shape skips zod; anything else is decoded by zod, which
  // refuses it with the detailed issues.
  const wire: WireTransaction = isWireTransaction(value)
    ? value
    : decodeWire(transactionSchema, value, 'transaction');
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
  // Built by assignment rather than a spread per optional field: this runs on every query and
  // every payment notification. Keys are added in the same order as the Order type lists them.
  const order: { -readonly [K in keyof Order]?: Order[K] } = {
    outTradeNo: wire.out_trade_no,
    state: wire.trade_state,
  };
  if (wire.transaction_id) order.transactionId = wire.transaction_id;
  if (wire.trade_state_desc !== undefined) order.stateDescription = wire.trade_state_desc;
  if (wire.trade_type) order.tradeType = wire.trade_type;
  const wireAmount = wire.amount;
  const amount: { -readonly [K in keyof Order['amount']]: Order['amount'][K] } = {};
  if (wireAmount?.total !== undefined) amount.total = wireAmount.total;
  if (wireAmount?.payer_total !== undefined) amount.payerTotal = wireAmount.payer_total;
  if (wireAmount?.currency !== undefined) amount.currency = wireAmount.currency;
  if (wireAmount?.payer_currency !== undefined) amount.payerCurrency = wireAmount.payer_currency;
  order.amount = amount;
  if (wire.payer?.openid) order.payer = { openid: wire.payer.openid };
  // Partner answers name the sub-merchant and the payer as sp_openid / sub_openid
  // (docs/protocol/partner.md); direct answers skip this.
  if (raw.sub_mchid !== undefined) {
    const { spOpenid, subMchId, subAppId, subOpenid } = partnerAnswerFields(raw);
    if (spOpenid && !order.payer) order.payer = { openid: spOpenid };
    if (subMchId) order.subMchId = subMchId;
    if (subAppId) order.subAppId = subAppId;
    if (subOpenid) order.subOpenid = subOpenid;
  }
  const successTime = parseRfc3339(wire.success_time, 'success_time', raw);
  if (successTime !== undefined) order.successTime = successTime;
  if (wire.attach !== undefined) order.attach = wire.attach;
  if (wire.bank_type) order.bankType = wire.bank_type;
  order.promotions = promotions;
  order.raw = raw;
  return order as Order;
}
