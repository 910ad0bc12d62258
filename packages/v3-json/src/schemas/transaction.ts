import { z } from 'zod';

/** An amount in fen as the wire sends it. */
const fen = z.number().int();

/** `promotion_detail[]` item of a Transaction. */
export const promotionDetailSchema = z.looseObject({
  coupon_id: z.string(),
  name: z.string().optional(),
  scope: z.string().optional(),
  type: z.string().optional(),
  amount: fen,
  stock_id: z.string().optional(),
  wechatpay_contribute: fen.optional(),
  merchant_contribute: fen.optional(),
  other_contribute: fen.optional(),
  currency: z.string().optional(),
});

/**
 * A v3 Transaction (order query response, decrypted payment notification). Unpaid states omit
 * most fields, so only `out_trade_no` and `trade_state` are required; enum-like fields stay
 * strings so new values do not break decoding.
 */
export const transactionSchema = z.looseObject({
  appid: z.string().optional(),
  mchid: z.string().optional(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  bank_type: z.string().optional(),
  attach: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional() }).optional(),
  amount: z
    .looseObject({
      total: fen.optional(),
      payer_total: fen.optional(),
      currency: z.string().optional(),
      payer_currency: z.string().optional(),
    })
    .optional(),
  scene_info: z.looseObject({ device_id: z.string().optional() }).optional(),
  promotion_detail: z.array(promotionDetailSchema).optional(),
});

/** Wire type of {@link transactionSchema}. */
export type WireTransaction = z.infer<typeof transactionSchema>;
