import { z } from 'zod';

/** A non-negative integer amount in fen, as text. */
export const fenText = z.string().regex(/^\d{1,15}$/, 'must be a non-negative integer (fen)');
const text = z.string();
const required = z.string().min(1, 'is required');

/** Fields shared by orderquery, micropay and the payment notification. */
const orderFields = {
  out_trade_no: required,
  transaction_id: text.optional(),
  trade_state_desc: text.optional(),
  device_info: text.optional(),
  openid: text.optional(),
  is_subscribe: text.optional(),
  trade_type: text.optional(),
  bank_type: text.optional(),
  total_fee: fenText.optional(),
  settlement_total_fee: fenText.optional(),
  fee_type: text.optional(),
  cash_fee: fenText.optional(),
  cash_fee_type: text.optional(),
  coupon_fee: fenText.optional(),
  coupon_count: fenText.optional(),
  attach: text.optional(),
  time_end: text.optional(),
};

/** `/pay/orderquery` success fields (`trade_state` is checked against the state machine later). */
export const orderQueryResponseSchema = z.looseObject({ ...orderFields, trade_state: required });

/** `/pay/micropay` success fields (a charged order; no `trade_state`). */
export const micropayResponseSchema = z.looseObject(orderFields);

/** Payment notification fields. */
export const paymentNotificationSchema = z.looseObject({
  ...orderFields,
  result_code: required,
});

const FEN_FIELDS = [
  'total_fee',
  'settlement_total_fee',
  'cash_fee',
  'coupon_fee',
  'coupon_count',
] as const;
const FEN = /^\d{1,15}$/;

/**
 * A hand check that accepts only messages the order schemas accept (every value of a parsed v2
 * message is a string, so only the required and the fen fields can fail): `out_trade_no` and
 * `required` non-empty, the fen fields digits. When it says no, the caller runs the schema,
 * which raises the detailed error.
 */
export function hasOrderFields(
  raw: Readonly<Record<string, string>>,
  required: 'trade_state' | 'result_code',
): boolean {
  if (typeof raw.out_trade_no !== 'string' || raw.out_trade_no === '') return false;
  const extra = raw[required];
  if (typeof extra !== 'string' || extra === '') return false;
  for (const name of FEN_FIELDS) {
    const v = raw[name];
    if (v !== undefined && !(typeof v === 'string' && FEN.test(v))) return false;
  }
  for (const name in raw) if (typeof raw[name] !== 'string') return false;
  return true;
}

/** {@link hasOrderFields} for an orderquery reply ({@link orderQueryResponseSchema}). */
export function isOrderQueryReply(raw: Readonly<Record<string, string>>): boolean {
  return hasOrderFields(raw, 'trade_state');
}
