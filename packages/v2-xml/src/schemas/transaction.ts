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
