import { AnswerMismatchError, ResponseValidationError } from '@wxpay/core';

type Raw = Readonly<Record<string, string | undefined>>;

/**
 * What a v2 request was about. A reply's `sign` covers only the reply's own fields — nothing
 * names the request, and v2 replies carry no time — so a signed reply can be replayed or
 * misrouted onto another call at any time. Every member given here must be echoed by the reply.
 */
export interface V2AnswerBinding {
  readonly appId: string;
  /** Further appids of the same merchant whose replies are accepted too (`acceptedAppIds`). */
  readonly acceptedAppIds?: readonly string[] | undefined;
  readonly mchId: string;
  /** Partner mode: the sub-merchant the request was made for. */
  readonly subMchId?: string | undefined;
  readonly outTradeNo?: string | undefined;
  readonly transactionId?: string | undefined;
  readonly outRefundNo?: string | undefined;
  /** WeChat Pay's refund id, when the request named it (`refundquery` by `refund_id`). */
  readonly refundId?: string | undefined;
}

/** A field that must, where the reply carries it, name the request's merchant. */
function sameWhenCarried(raw: Raw, field: string, expected: string): void {
  const value = raw[field];
  if (value !== undefined && value !== '' && value !== expected) {
    throw new AnswerMismatchError(field, { expected, received: value, raw });
  }
}

/** A field the reply must carry, equal to what the request named. */
function echoed(raw: Raw, field: string, expected: string): void {
  if (raw[field] !== expected) {
    throw new AnswerMismatchError(field, { expected, received: raw[field], raw });
  }
}

/**
 * A refund id asked for: a flat reply (`/secapi/pay/refund`) carries `field`, a `refundquery`
 * reply carries one `field_$n` per refund, one of which must be it.
 */
function refundEchoed(raw: Raw, field: string, expected: string): void {
  if (raw[field] !== undefined || raw.refund_count === undefined) {
    echoed(raw, field, expected);
    return;
  }
  const count = Math.min(Number(raw.refund_count) || 0, 1000);
  for (let n = 0; n < count; n++) if (raw[`${field}_${n}`] === expected) return;
  throw new AnswerMismatchError(field, { expected, received: raw[`${field}_0`], raw });
}

/**
 * Checks that a verified reply is about the merchant, sub-merchant, order and refund the
 * request named: the merchant (`appid` — the client's or one of `acceptedAppIds` — and
 * `mch_id`) where the reply carries it; `sub_mch_id`
 * exactly when the request had one; every order and refund identifier the request had.
 * A difference is an {@link AnswerMismatchError} naming the field.
 */
export function checkAnswerBinding(raw: Raw, binding: V2AnswerBinding): void {
  const appId = raw.appid;
  if (appId === undefined || !binding.acceptedAppIds?.includes(appId)) {
    sameWhenCarried(raw, 'appid', binding.appId);
  }
  sameWhenCarried(raw, 'mch_id', binding.mchId);
  const sub = raw.sub_mch_id === '' ? undefined : raw.sub_mch_id;
  if (sub !== binding.subMchId) {
    throw new AnswerMismatchError('sub_mch_id', {
      expected: binding.subMchId,
      received: sub,
      raw,
    });
  }
  if (binding.outTradeNo !== undefined) echoed(raw, 'out_trade_no', binding.outTradeNo);
  if (binding.transactionId !== undefined) echoed(raw, 'transaction_id', binding.transactionId);
  if (binding.outRefundNo !== undefined) refundEchoed(raw, 'out_refund_no', binding.outRefundNo);
  if (binding.refundId !== undefined) refundEchoed(raw, 'refund_id', binding.refundId);
}

const FEN = /^\d{1,15}$/;
const CURRENCY = /^[A-Z]{3}$/;
// Amount fields end in `_fee` (total_fee, coupon_fee_0, coupon_refund_fee_0_1 …); counts too
// are non-negative integers. `*_fee_type` fields are currencies.
const AMOUNT = /(?:_fee|_count)(?:_\d+)*$/;
const CURRENCY_FIELD = /(?:^|_)fee_type$/;

/**
 * Range checks on a verified reply, as the neutral types promise: every amount and count is a
 * non-negative integer (fen), every currency an ISO 4217 code. Empty fields count as absent.
 */
export function checkAnswerRanges(raw: Raw): void {
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined || value === '') continue;
    if (CURRENCY_FIELD.test(field)) {
      if (!CURRENCY.test(value)) {
        throw new ResponseValidationError(`invalid ${field}`, {
          issues: [{ path: field, message: 'must be an ISO 4217 currency code' }],
          raw,
        });
      }
    } else if (AMOUNT.test(field) && !FEN.test(value)) {
      throw new ResponseValidationError(`invalid ${field}`, {
        issues: [{ path: field, message: 'must be a non-negative integer (fen)' }],
        raw,
      });
    }
  }
}

/** {@link checkAnswerBinding}, then {@link checkAnswerRanges}: one call per verified reply. */
export function checkAnswer(raw: Raw, binding: V2AnswerBinding): void {
  checkAnswerBinding(raw, binding);
  checkAnswerRanges(raw);
}
