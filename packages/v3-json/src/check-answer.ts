import { AnswerMismatchError, ResponseValidationError } from '@wxpay/core';

/**
 * What a v3 request was about. An answer's signature covers `timestamp\nnonce\nbody\n` only —
 * not the request it answers — so inside the ±300 s window a signed answer can be replayed or
 * misrouted onto another call, and one platform key signs for every merchant. Every member
 * given here must be echoed by the answer.
 */
export interface V3AnswerBinding {
  readonly mchId: string;
  /** Compared where the answer carries an `appid`. */
  readonly appId?: string | undefined;
  /** Further appids of the same merchant whose answers are accepted too (`acceptedAppIds`). */
  readonly acceptedAppIds?: readonly string[] | undefined;
  /** Partner mode: the sub-merchant the request was made for. */
  readonly subMchId?: string | undefined;
  readonly outTradeNo?: string | undefined;
  readonly transactionId?: string | undefined;
  readonly outRefundNo?: string | undefined;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Absent and empty are the same: WeChat Pay sends `""` for fields it has no value for. */
function carried(answer: Json, field: string): unknown {
  const value = answer[field];
  return value === '' ? undefined : value;
}

/** A merchant field that must, where the answer carries it, name the request's merchant. */
function sameWhenCarried(answer: Json, field: string, expected: string | undefined): void {
  const value = carried(answer, field);
  if (expected !== undefined && value !== undefined && value !== expected) {
    throw new AnswerMismatchError(field, { expected, received: value, raw: answer });
  }
}

/** An appid field that must, where the answer carries it, be the client's or an accepted one. */
function appIdWhenCarried(answer: Json, field: string, binding: V3AnswerBinding): void {
  const value = carried(answer, field);
  if (typeof value === 'string' && binding.acceptedAppIds?.includes(value)) return;
  sameWhenCarried(answer, field, binding.appId);
}

/** A field the answer must carry, equal to what the request named. */
function echoed(answer: Json, field: string, expected: string | undefined): void {
  if (expected !== undefined && answer[field] !== expected) {
    throw new AnswerMismatchError(field, { expected, received: answer[field], raw: answer });
  }
}

/**
 * Checks that a verified answer (or decrypted notification resource) is about the merchant,
 * sub-merchant, order and refund the request named: `mchid`/`sp_mchid` and `appid`/`sp_appid`
 * (the client's appid or one of `acceptedAppIds`) where the answer carries them; `sub_mchid` exactly when the request had one; every order
 * and refund identifier the request had. A difference is an {@link AnswerMismatchError}
 * naming the field. Anything but an object is left to the schema that decodes it.
 */
export function checkAnswerBinding(answer: unknown, binding: V3AnswerBinding): void {
  if (!isObject(answer)) return;
  sameWhenCarried(answer, 'mchid', binding.mchId);
  sameWhenCarried(answer, 'sp_mchid', binding.mchId);
  appIdWhenCarried(answer, 'appid', binding);
  appIdWhenCarried(answer, 'sp_appid', binding);
  const sub = carried(answer, 'sub_mchid');
  if (sub !== binding.subMchId) {
    throw new AnswerMismatchError('sub_mchid', {
      expected: binding.subMchId,
      received: sub,
      raw: answer,
    });
  }
  echoed(answer, 'out_trade_no', binding.outTradeNo);
  echoed(answer, 'transaction_id', binding.transactionId);
  echoed(answer, 'out_refund_no', binding.outRefundNo);
}

// Amount members of Transaction, Refund, promotion_detail and amount.from (fen).
const AMOUNT_KEYS: ReadonlySet<string> = new Set([
  'total',
  'payer_total',
  'refund',
  'payer_refund',
  'settlement_refund',
  'settlement_total',
  'discount_refund',
  'refund_fee',
  'amount',
  'wechatpay_contribute',
  'merchant_contribute',
  'other_contribute',
]);
const CURRENCY = /^[A-Z]{3}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// Strict JSON parsing already bounds nesting; this bounds the walk on its own terms too.
const MAX_DEPTH = 8;

function rangeError(path: string, message: string, raw: unknown): ResponseValidationError {
  return new ResponseValidationError(`invalid ${path}`, { issues: [{ path, message }], raw });
}

const memberPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Visits every member once. Index loops and `Object.keys` instead of `entries()`, and a
 * member's path is only spelled out for a container it descends into or an error it raises:
 * this runs on every answer, and the pairs and path strings were most of its allocations.
 */
function walk(value: unknown, path: string, depth: number, raw: unknown): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], `${path}[${i}]`, depth + 1, raw);
    return;
  }
  if (!isObject(value)) return;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = value[key];
    if (typeof member === 'number') {
      if (AMOUNT_KEYS.has(key) && (!Number.isSafeInteger(member) || member < 0)) {
        throw rangeError(memberPath(path, key), 'must be a non-negative integer (fen)', raw);
      }
    } else if (typeof member === 'string') {
      if (member === '') continue;
      if (key.endsWith('currency')) {
        if (!CURRENCY.test(member)) {
          throw rangeError(memberPath(path, key), 'must be an ISO 4217 currency code', raw);
        }
      } else if (key.endsWith('_time')) {
        if (!RFC3339.test(member) || Number.isNaN(Date.parse(member))) {
          throw rangeError(memberPath(path, key), 'must be an RFC 3339 time', raw);
        }
      }
    } else if (typeof member === 'object' && member !== null) {
      walk(member, memberPath(path, key), depth + 1, raw);
    }
  }
}

/**
 * Range checks on a verified answer, as the neutral types promise: every amount is a
 * non-negative integer (fen), every currency an ISO 4217 code, every `*_time` an RFC 3339 time.
 */
export function checkAnswerRanges(answer: unknown): void {
  walk(answer, '', 0, answer);
}

/** {@link checkAnswerBinding}, then {@link checkAnswerRanges}: one call per verified answer. */
export function checkAnswer(answer: unknown, binding: V3AnswerBinding): void {
  checkAnswerBinding(answer, binding);
  checkAnswerRanges(answer);
}
