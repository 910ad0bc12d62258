import {
  type Refund,
  type RefundParams,
  type RefundState,
  ResponseValidationError,
} from '@wxpay/core';
import { outRefundNoSchema, outTradeNoSchema, transactionIdSchema } from '@wxpay/core/adapter';
import { z } from 'zod';
import { beijingTime, fen } from './map-order.js';
import { mergeWireV2, refundDetailsToV2 } from './map-order-details.js';
import { decodeWire } from './schemas/decode-wire.js';
import {
  refundNotificationInfoSchema,
  refundQueryResponseSchema,
  refundResponseSchema,
} from './schemas/refund.js';
import type { RefundQueryRef, RefundQueryResult } from './types.js';

type Raw = Readonly<Record<string, string>>;

/** A `/pay/refundquery` reference: exactly one of the four ids. */
export const refundQueryRefSchema: z.ZodType<RefundQueryRef> = z.union([
  z.object({ refundId: z.string().min(1).max(32) }).strict(),
  z.object({ outRefundNo: outRefundNoSchema }).strict(),
  z.object({ transactionId: transactionIdSchema }).strict(),
  z.object({ outTradeNo: outTradeNoSchema }).strict(),
]);

const REFUND_STATUS: Readonly<Record<string, RefundState>> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  REFUNDCLOSE: 'CLOSED',
  CHANGE: 'ABNORMAL',
};

/** v2 refund status → neutral (REFUNDCLOSE → CLOSED, CHANGE → ABNORMAL). */
export function refundStateOf(status: string | undefined, field: string, raw: Raw): RefundState {
  const state = status === undefined ? undefined : REFUND_STATUS[status];
  if (!state) {
    throw new ResponseValidationError(`unknown ${field} ${JSON.stringify(status ?? '')}`, {
      issues: [{ path: field, message: 'must be PROCESSING, SUCCESS, REFUNDCLOSE or CHANGE' }],
      raw,
    });
  }
  return state;
}

/** The business fields of `/secapi/pay/refund`. */
export function toRefundFields(
  params: RefundParams,
  defaults: { readonly notifyUrl?: string | undefined },
): Record<string, string | number | undefined> {
  return mergeWireV2(
    {
      ...('transactionId' in params.order
        ? { transaction_id: params.order.transactionId }
        : { out_trade_no: params.order.outTradeNo }),
      out_refund_no: params.outRefundNo,
      total_fee: params.amount.total,
      refund_fee: params.amount.refund,
      refund_fee_type: params.amount.currency,
      refund_desc: params.reason,
      notify_url: params.notifyUrl ?? defaults.notifyUrl,
      ...refundDetailsToV2(params),
    },
    params.wire,
  );
}

/** The reference fields of `/pay/refundquery`. */
export function toRefundQueryFields(
  ref: RefundQueryRef,
  offset?: number,
): Record<string, string | number | undefined> {
  const base =
    'refundId' in ref
      ? { refund_id: ref.refundId }
      : 'outRefundNo' in ref
        ? { out_refund_no: ref.outRefundNo }
        : 'transactionId' in ref
          ? { transaction_id: ref.transactionId }
          : { out_trade_no: ref.outTradeNo };
  return { ...base, offset };
}

function amountOf(
  refund: number | undefined,
  total: number | undefined,
  payerRefund: number | undefined,
  currency: string | undefined,
) {
  return {
    ...(refund !== undefined ? { refund } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(payerRefund !== undefined ? { payerRefund } : {}),
    ...(currency ? { currency } : {}),
  };
}

/** Maps an accepted refund reply: the refund is PROCESSING until queried or notified. */
export function toRefundFromReply(raw: Raw): Refund {
  const r = decodeWire(refundResponseSchema, raw, 'refund reply');
  return {
    outRefundNo: r.out_refund_no,
    status: 'PROCESSING',
    amount: amountOf(fen(r.refund_fee), fen(r.total_fee), fen(r.cash_refund_fee), r.fee_type),
    raw,
    ...(r.refund_id ? { refundId: r.refund_id } : {}),
    ...(r.out_trade_no ? { outTradeNo: r.out_trade_no } : {}),
    ...(r.transaction_id ? { transactionId: r.transaction_id } : {}),
    ...(raw.sub_mch_id ? { subMchId: raw.sub_mch_id } : {}),
    ...(raw.sub_appid ? { subAppId: raw.sub_appid } : {}),
  };
}

const FEN = /^\d{1,15}$/;

function indexedFen(raw: Raw, field: string): number | undefined {
  const text = raw[field];
  if (text === undefined || text === '') return undefined;
  if (!FEN.test(text)) {
    throw new ResponseValidationError(`invalid ${field}`, {
      issues: [{ path: field, message: 'must be a non-negative integer (fen)' }],
      raw,
    });
  }
  return Number(text);
}

/** Maps a refundquery reply: one {@link Refund} per `_$n` group. */
export function toRefundQueryResult(raw: Raw): RefundQueryResult {
  const r = decodeWire(refundQueryResponseSchema, raw, 'refundquery reply');
  const count = Number(r.refund_count);
  const total = fen(r.total_fee);
  const refunds: Refund[] = [];
  for (let n = 0; n < Math.min(count, 1000); n++) {
    const outRefundNo = raw[`out_refund_no_${n}`];
    if (!outRefundNo) {
      throw new ResponseValidationError(`refundquery reply lacks out_refund_no_${n}`, {
        issues: [{ path: `out_refund_no_${n}`, message: 'is required' }],
        raw,
      });
    }
    const successTime = beijingTime(raw, `refund_success_time_${n}`);
    refunds.push({
      outRefundNo,
      status: refundStateOf(raw[`refund_status_${n}`], `refund_status_${n}`, raw),
      amount: amountOf(indexedFen(raw, `refund_fee_${n}`), total, undefined, r.fee_type),
      raw,
      ...(raw[`refund_id_${n}`] ? { refundId: raw[`refund_id_${n}`] } : {}),
      ...(r.out_trade_no ? { outTradeNo: r.out_trade_no } : {}),
      ...(r.transaction_id ? { transactionId: r.transaction_id } : {}),
      ...(raw[`refund_channel_${n}`] ? { channel: raw[`refund_channel_${n}`] } : {}),
      ...(raw[`refund_recv_accout_${n}`]
        ? { receivedAccount: raw[`refund_recv_accout_${n}`] }
        : {}),
      ...(successTime ? { successTime } : {}),
    });
  }
  const totalRefundCount = fen(r.total_refund_count);
  return {
    refunds,
    raw,
    ...(r.out_trade_no ? { outTradeNo: r.out_trade_no } : {}),
    ...(r.transaction_id ? { transactionId: r.transaction_id } : {}),
    ...(totalRefundCount !== undefined ? { totalRefundCount } : {}),
  };
}

/** Maps the decrypted `req_info` of a refund notification. */
export function toRefundFromNotification(info: Raw): Refund {
  const r = decodeWire(refundNotificationInfoSchema, info, 'refund notification');
  const successTime = beijingTime(info, 'success_time');
  return {
    outRefundNo: r.out_refund_no,
    refundId: r.refund_id,
    status: refundStateOf(r.refund_status, 'refund_status', info),
    amount: amountOf(fen(r.refund_fee), fen(r.total_fee), undefined, undefined),
    raw: info,
    ...(r.out_trade_no ? { outTradeNo: r.out_trade_no } : {}),
    ...(r.transaction_id ? { transactionId: r.transaction_id } : {}),
    ...(r.refund_recv_accout ? { receivedAccount: r.refund_recv_accout } : {}),
    ...(successTime ? { successTime } : {}),
  };
}
