import { z } from 'zod';
import type { SubMerchant, WireFields, WireValue } from './order-details.js';

// Length limits follow the v3 order and refund field tables (docs/protocol/order-fields.md).
const fen = z.number().int('must be an integer number of fen').nonnegative('must not be negative');
const count = z.number().int('must be an integer').positive('must be at least 1');
// How a goods line names its item, alike in order and refund goods details.
const goodsIdentity = {
  merchantGoodsId: z.string().min(1).max(32),
  wechatpayGoodsId: z.string().min(1).max(32).optional(),
  goodsName: z.string().min(1).max(256).optional(),
};

/** Validates a {@link GoodsDetail}. */
export const goodsDetailSchema = z
  .object({
    costPrice: fen.optional(),
    invoiceId: z.string().min(1).max(32).optional(),
    goods: z
      .array(
        z
          .object({
            ...goodsIdentity,
            quantity: count,
            unitPrice: fen,
          })
          .strict(),
      )
      .min(1)
      .max(6000)
      .optional(),
  })
  .strict();

/** Validates a {@link StoreInfo}. */
export const storeInfoSchema = z
  .object({
    id: z.string().min(1).max(32),
    name: z.string().min(1).max(256).optional(),
    areaCode: z.string().min(1).max(32).optional(),
    address: z.string().min(1).max(512).optional(),
  })
  .strict();

const wireValue: z.ZodType<WireValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(wireValue),
    z.record(z.string(), wireValue),
  ]),
);

/** Validates {@link WireFields}: snake_case wire names (as the docs spell them) to JSON values. */
export const wireFieldsSchema: z.ZodType<WireFields> = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'wire names are snake_case as in the WeChat Pay docs'),
  wireValue,
);

/** Validates refund goods lines. */
export const refundGoodsDetailSchema = z
  .array(
    z
      .object({
        ...goodsIdentity,
        unitPrice: fen,
        refundAmount: fen,
        refundQuantity: count,
      })
      .strict(),
  )
  .min(1);

/** Validates refund funding sources. */
export const refundFromSchema = z
  .array(
    z
      .object({
        account: z.enum(['AVAILABLE', 'UNAVAILABLE']),
        amount: z.number().int('must be an integer number of fen').positive('must be positive'),
      })
      .strict(),
  )
  .min(1);

/** Validates a {@link SubMerchant}: WeChat Pay merchant ids are digits; appids up to 32 characters. */
export const subMerchantSchema: z.ZodType<SubMerchant> = z
  .object({
    subMchId: z.string().regex(/^[0-9]{1,32}$/, 'must be 1-32 digits'),
    subAppId: z.string().min(1).max(32).optional(),
  })
  .strict() as z.ZodType<SubMerchant>;
