import {
  REFUND_STATES,
  type Refund,
  type RefundParams,
  type RefundState,
  ResponseValidationError,
  type SubMerchant,
  ValidationError,
} from '@wxpay/core';
import { opt } from './map-order.js';
import { mergeWire, refundDetailsToWire } from './map-order-details.js';
import { parseRfc3339 } from './map-time.js';
import { notifyUrlProblem } from './notify-url.js';
import { partnerAnswerFields } from './partner/map-partner.js';
import { decodeWire } from './schemas/decode-wire.js';
import {
  refundNotificationResourceSchema,
  refundSchema,
  type WireRefund,
} from './schemas/refund.js';

/**
 * The JSON body of `POST /v3/refund/domestic/refunds`; in partner mode it names `sub_mchid`.
 * The caller's `wire` fields are merged last.
 */
export function toWireRefundRequest(
  params: RefundParams,
  notifyUrl: string | undefined,
  sub?: SubMerchant,
): Record<string, unknown> {
  const url = params.notifyUrl ?? notifyUrl;
  const problem = url === undefined ? undefined : notifyUrlProblem(url);
  if (problem) {
    throw new ValidationError(`invalid refund params: notifyUrl ${problem}`, [
      { path: 'notifyUrl', message: problem },
    ]);
  }
  const order =
    'transactionId' in params.order
      ? { transaction_id: params.order.transactionId }
      : { out_trade_no: params.order.outTradeNo };
  const details = refundDetailsToWire(params);
  return mergeWire(
    {
      ...opt('sub_mchid', sub?.subMchId),
      ...order,
      out_refund_no: params.outRefundNo,
      ...opt('reason', params.reason),
      ...opt('notify_url', url),
      ...details.fields,
      amount: {
        refund: params.amount.refund,
        total: params.amount.total,
        ...opt('from', details.from),
        currency: params.amount.currency ?? 'CNY',
      },
    },
    params.wire,
  );
}

function refundState(value: string, field: string, raw: unknown): RefundState {
  if ((REFUND_STATES as readonly string[]).includes(value)) return value as RefundState;
  throw new ResponseValidationError(`unknown refund ${field} ${JSON.stringify(value)}`, {
    issues: [{ path: field, message: `not one of ${REFUND_STATES.join(', ')}` }],
    raw,
  });
}

/** The fields a refund response and a refund notification share. */
type RefundCommon = Pick<
  WireRefund,
  | 'out_refund_no'
  | 'refund_id'
  | 'out_trade_no'
  | 'transaction_id'
  | 'amount'
  | 'channel'
  | 'user_received_account'
  | 'create_time'
  | 'success_time'
>;

function build(wire: RefundCommon, status: RefundState, raw: Record<string, unknown>): Refund {
  return {
    outRefundNo: wire.out_refund_no,
    status,
    ...opt('refundId', wire.refund_id || undefined),
    ...opt('outTradeNo', wire.out_trade_no || undefined),
    ...opt('transactionId', wire.transaction_id || undefined),
    amount: {
      ...opt('refund', wire.amount?.refund),
      ...opt('total', wire.amount?.total),
      ...opt('payerRefund', wire.amount?.payer_refund),
      ...opt('currency', wire.amount?.currency),
    },
    ...opt('channel', wire.channel),
    ...opt('receivedAccount', wire.user_received_account),
    ...opt('createTime', parseRfc3339(wire.create_time, 'create_time', raw)),
    ...opt('successTime', parseRfc3339(wire.success_time, 'success_time', raw)),
    ...opt('subMchId', partnerAnswerFields(raw).subMchId),
    ...opt('subAppId', partnerAnswerFields(raw).subAppId),
    raw,
  };
}

/** Maps a v3 Refund (create/query response) to the neutral {@link Refund}. */
export function toRefund(value: unknown): Refund {
  const wire = decodeWire(refundSchema, value, 'refund');
  const raw = value as Record<string, unknown>;
  return build(wire, refundState(wire.status, 'status', raw), raw);
}

/** Maps the decrypted resource of a `REFUND.*` notification to the neutral {@link Refund}. */
export function toRefundFromNotification(value: unknown): Refund {
  const wire = decodeWire(refundNotificationResourceSchema, value, 'refund notification');
  const raw = value as Record<string, unknown>;
  return build(wire, refundState(wire.refund_status, 'refund_status', raw), raw);
}
