import { z } from 'zod';

const fen = z.number().int();

const refundAmountSchema = z.looseObject({
  total: fen.optional(),
  refund: fen.optional(),
  payer_total: fen.optional(),
  payer_refund: fen.optional(),
  settlement_refund: fen.optional(),
  settlement_total: fen.optional(),
  discount_refund: fen.optional(),
  currency: z.string().optional(),
});

// What a Refund answer and a refund notification resource both say about one refund.
const refundFacts = {
  out_refund_no: z.string(),
  refund_id: z.string().optional(),
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  user_received_account: z.string().optional(),
  success_time: z.string().optional(),
  amount: refundAmountSchema.optional(),
};

/** A v3 Refund (create and query responses). Enum-like fields stay strings. */
export const refundSchema = z.looseObject({
  ...refundFacts,
  channel: z.string().optional(),
  create_time: z.string().optional(),
  status: z.string(),
  funds_account: z.string().optional(),
});

/** The decrypted resource of a `REFUND.*` notification (`refund_status` instead of `status`). */
export const refundNotificationResourceSchema = z.looseObject({
  mchid: z.string().optional(),
  ...refundFacts,
  refund_status: z.string(),
});

/** Wire type of {@link refundSchema}. */
export type WireRefund = z.infer<typeof refundSchema>;
/** Wire type of {@link refundNotificationResourceSchema}. */
export type WireRefundNotificationResource = z.infer<typeof refundNotificationResourceSchema>;
