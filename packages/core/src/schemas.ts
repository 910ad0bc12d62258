import { z } from 'zod';
import { ConfigError, ValidationError, type ValidationIssue } from './errors.js';
import {
  goodsDetailSchema,
  refundFromSchema,
  refundGoodsDetailSchema,
  storeInfoSchema,
  wireFieldsSchema,
} from './order-details-schemas.js';
import type { CreateOrderParams, OrderRef, RefundParams } from './types.js';

/** `out_trade_no`: 6–32 characters of `[0-9A-Za-z_-|*]` (docs/protocol/v2.md). */
export const outTradeNoSchema = z
  .string()
  .regex(/^[0-9A-Za-z_\-|*]{6,32}$/, 'must be 6-32 characters of [0-9A-Za-z_-|*]');
/** `out_refund_no`: 1–64 characters of `[0-9A-Za-z_-|*@]`. */
export const outRefundNoSchema = z
  .string()
  .regex(/^[0-9A-Za-z_\-|*@]{1,64}$/, 'must be 1-64 characters of [0-9A-Za-z_-|*@]');
/** WeChat Pay transaction id: up to 32 digits. */
export const transactionIdSchema = z.string().regex(/^[0-9]{1,32}$/, 'must be 1-32 digits');

/** A string of at most `max` UTF-8 bytes: WeChat Pay counts bytes, not UTF-16 units. */
const utf8Max = (max: number) =>
  z
    .string()
    .refine((v) => Buffer.byteLength(v, 'utf8') <= max, `must be at most ${max} UTF-8 bytes`);

const fen = z.number().int('must be an integer number of fen').positive('must be positive');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');
const httpsUrl = z
  .string()
  .url()
  .refine(
    (u) => /^https?:\/\//.test(u) && !u.includes('?'),
    'must be an http(s) URL without a query',
  );

/** Validates an {@link OrderRef}. */
export const orderRefSchema: z.ZodType<OrderRef> = z.union([
  z.object({ outTradeNo: outTradeNoSchema }).strict(),
  z.object({ transactionId: transactionIdSchema }).strict(),
]);

const base = {
  outTradeNo: outTradeNoSchema,
  description: z.string().min(1).pipe(utf8Max(127)),
  amount: z.object({ total: fen, currency: currency.optional() }).strict(),
  // v2 allows 127 bytes, v3 128: the neutral limit is the stricter one.
  attach: utf8Max(127).optional(),
  notifyUrl: httpsUrl.optional(),
  expiresAt: z.date().optional(),
  clientIp: z.string().min(2).max(64).optional(),
  goodsTag: z.string().max(32).optional(),
  deviceId: z.string().max(32).optional(),
  goodsDetail: goodsDetailSchema.optional(),
  profitSharing: z.boolean().optional(),
  supportFapiao: z.boolean().optional(),
  store: storeInfoSchema.optional(),
  limitPay: z.literal('no_credit').optional(),
  wire: wireFieldsSchema.optional(),
};

/** Validates {@link CreateOrderParams}. */
export const createOrderParamsSchema: z.ZodType<CreateOrderParams> = z.discriminatedUnion('kind', [
  z
    .object({
      ...base,
      kind: z.enum(['jsapi', 'miniprogram']),
      // `{ openid }` or (partner mode) `{ subOpenid }`: exactly one, each field named in errors.
      payer: z
        .object({
          openid: z.string().min(1).max(128).optional(),
          subOpenid: z.string().min(1).max(128).optional(),
        })
        .strict()
        .refine((p) => (p.openid === undefined) !== (p.subOpenid === undefined), {
          message: 'give exactly one of openid and subOpenid',
          path: ['openid'],
        }),
    })
    .strict(),
  z.object({ ...base, kind: z.literal('app') }).strict(),
  z
    .object({ ...base, kind: z.literal('native'), productId: z.string().min(1).max(32).optional() })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('h5'),
      clientIp: z.string().min(2).max(64),
      h5Info: z
        .object({
          type: z.enum(['Wap', 'iOS', 'Android']),
          appName: z.string().optional(),
          appUrl: z.string().optional(),
          bundleId: z.string().optional(),
          packageName: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
]) as z.ZodType<CreateOrderParams>;

/** Validates {@link RefundParams}. */
export const refundParamsSchema: z.ZodType<RefundParams> = z
  .object({
    order: orderRefSchema,
    outRefundNo: outRefundNoSchema,
    amount: z
      .object({
        refund: fen,
        total: fen,
        currency: currency.optional(),
        from: refundFromSchema.optional(),
      })
      .strict()
      .refine((a) => a.refund <= a.total, {
        message: 'refund must not exceed total',
        path: ['refund'],
      })
      .refine(
        (a) => a.from === undefined || a.from.reduce((s, f) => s + f.amount, 0) === a.refund,
        {
          message: 'the amounts must add up to amount.refund',
          path: ['from'],
        },
      ),
    reason: z.string().max(80).optional(),
    notifyUrl: httpsUrl.optional(),
    fundsAccount: z.literal('AVAILABLE').optional(),
    goodsDetail: refundGoodsDetailSchema.optional(),
    wire: wireFieldsSchema.optional(),
  })
  .strict() as z.ZodType<RefundParams>;

/** Converts zod issues to wxpay's {@link ValidationIssue}s (paths dotted, values never echoed). */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema`, throwing a {@link ValidationError} that names each bad field.
 * `what` names the input in the message (e.g. `createOrder params`).
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseOrThrow(schema, value, what, ValidationError);
}

/**
 * Parses a client configuration like {@link parseInput}, but the error is a {@link ConfigError}:
 * it names each bad field and why, never the value (keys must not end up in logs).
 */
export function parseConfig<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseOrThrow(schema, value, what, ConfigError);
}

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
  ErrorClass: typeof ValidationError,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // zod's messages name the field and the rule; they never echo the value.
  const issues = toValidationIssues(result.error);
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ErrorClass(`invalid ${what}: ${summary}`, issues);
}
