import type { OrderRef } from '@wxpay/core';
import { parseInput } from '@wxpay/core/adapter';
import { z } from 'zod';
import { formatBeijingTime } from '../map-time.js';
import type { MicropayParams } from '../types.js';

const micropaySchema: z.ZodType<MicropayParams> = z
  .object({
    outTradeNo: z
      .string()
      .regex(/^[0-9A-Za-z_\-|*]{6,32}$/, 'must be 6-32 characters of [0-9A-Za-z_-|*]'),
    description: z.string().min(1).max(127),
    amount: z
      .object({
        total: z.number().int('must be an integer number of fen').positive('must be positive'),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
          .optional(),
      })
      .strict(),
    authCode: z.string().regex(/^\d{10,32}$/, 'must be the digits of a payment code'),
    clientIp: z.string({ error: 'is required by the v2 API (spbill_create_ip)' }).min(2).max(64),
    attach: z.string().max(127).optional(),
    deviceId: z.string().max(32).optional(),
    goodsTag: z.string().max(32).optional(),
    expiresAt: z.date().optional(),
  })
  .strict() as z.ZodType<MicropayParams>;

/** Validates micropay parameters and returns the `/pay/micropay` business fields. */
export function toMicropayFields(
  params: MicropayParams,
): Record<string, string | number | undefined> {
  const p = parseInput(micropaySchema, params, 'micropay params');
  return {
    body: p.description,
    out_trade_no: p.outTradeNo,
    total_fee: p.amount.total,
    fee_type: p.amount.currency,
    spbill_create_ip: p.clientIp,
    auth_code: p.authCode,
    attach: p.attach,
    device_info: p.deviceId,
    goods_tag: p.goodsTag,
    time_expire: p.expiresAt ? formatBeijingTime(p.expiresAt) : undefined,
  };
}

/** The reference fields of an order (`transaction_id` wins when given). */
export function orderRefFields(ref: OrderRef): Record<string, string> {
  return 'transactionId' in ref
    ? { transaction_id: ref.transactionId }
    : { out_trade_no: ref.outTradeNo };
}

/** True when a reverse reply (success or failure) asks to call again (`recall=Y`). */
export function wantsRecall(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as Record<string, unknown>).recall === 'Y';
}
