import { z } from 'zod';
import { fenText } from './transaction.js';

const text = z.string();
const required = z.string().min(1, 'is required');

/** `/secapi/pay/refund` success fields. */
export const refundResponseSchema = z.looseObject({
  out_refund_no: required,
  refund_id: text.optional(),
  transaction_id: text.optional(),
  out_trade_no: text.optional(),
  refund_fee: fenText.optional(),
  settlement_refund_fee: fenText.optional(),
  total_fee: fenText.optional(),
  settlement_total_fee: fenText.optional(),
  fee_type: text.optional(),
  cash_fee: fenText.optional(),
  cash_refund_fee: fenText.optional(),
  coupon_refund_fee: fenText.optional(),
  coupon_refund_count: fenText.optional(),
});

/** `/pay/refundquery` success fields (per-refund `_$n` fields are read by the mapper). */
export const refundQueryResponseSchema = z.looseObject({
  transaction_id: text.optional(),
  out_trade_no: text.optional(),
  total_fee: fenText.optional(),
  settlement_total_fee: fenText.optional(),
  fee_type: text.optional(),
  cash_fee: fenText.optional(),
  refund_count: fenText,
  total_refund_count: fenText.optional(),
});

/** The decrypted `req_info` of a refund notification. */
export const refundNotificationInfoSchema = z.looseObject({
  transaction_id: text.optional(),
  out_trade_no: text.optional(),
  refund_id: required,
  out_refund_no: required,
  total_fee: fenText.optional(),
  settlement_total_fee: fenText.optional(),
  refund_fee: fenText.optional(),
  settlement_refund_fee: fenText.optional(),
  refund_status: required,
  success_time: text.optional(),
  refund_recv_accout: text.optional(),
  refund_account: text.optional(),
  refund_request_source: text.optional(),
});
