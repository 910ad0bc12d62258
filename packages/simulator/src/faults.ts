import { orderQueryFields, refundFields, refundQueryFields } from './map-v2.js';
import { refundJson, transactionJson } from './map-v3.js';
import type { SimulatedOrder, SimulatedRefund } from './order-store.js';
import { partnerTransactionJson } from './partner/map-partner.js';

/** What a scripted fault does to a matching request. */
export type FaultKind =
  | 'latency'
  | 'status'
  | 'reset'
  | 'truncate'
  | 'bad-signature'
  | 'probe-signature'
  | 'unsigned'
  | 'skewed-timestamp'
  | 'unknown-key'
  | 'rewrite'
  | 'foreign-answer';

/** A scripted fault. It applies to the next `times` requests that match `path` and `protocol`. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** A path prefix (`/pay/orderquery`, `/v3/pay/transactions/out-trade-no/`) or a pattern; default: every API path. */
  readonly path?: string | RegExp;
  /** Restricts the fault to one protocol. */
  readonly protocol?: 'v2' | 'v3';
  /** How many matching requests it applies to (default 1; `Infinity` until cleared). */
  readonly times?: number;
  /** `latency`: delay before the request is handled (default 1000 ms). */
  readonly latencyMs?: number;
  /** `status`: the HTTP status to answer (default 500); the request is not processed. */
  readonly status?: number;
  /** `status`: the error code in the body (default by status: SYSTEM_ERROR, FREQUENCY_LIMITED …). */
  readonly code?: string;
  /** `status`: the error message in the body. */
  readonly message?: string;
  /** `status`: a `Retry-After` header in seconds. */
  readonly retryAfterSeconds?: number;
  /** `skewed-timestamp`: shift of the v3 `Wechatpay-Timestamp` in seconds (default −600). */
  readonly skewSeconds?: number;
  /**
   * `rewrite`: changes the answer before it is signed (v2 fields or v3 JSON), so the signature
   * stays valid — e.g. an unknown `trade_state` or a missing field.
   */
  readonly rewrite?: (answer: Record<string, unknown>) => Record<string, unknown>;
  /**
   * `foreign-answer`: a correctly signed answer about something else than what was asked —
   * as a caching proxy, a load-balancer bug or a replay would deliver it. An answer about an
   * order becomes the simulator's answer about order `outTradeNo`; an answer about a refund
   * the answer about refund `outRefundNo` (or, with only `outTradeNo`, about the same refund
   * under another order); `mchId` puts another merchant id in the merchant fields. Error
   * answers are left alone.
   */
  readonly answerFor?: {
    readonly outTradeNo?: string;
    readonly outRefundNo?: string;
    readonly mchId?: string;
  };
}

/** A fault that matched a request. */
export interface AppliedFault extends FaultSpec {
  /** 1-based index of the application of this spec. */
  readonly occurrence: number;
}

interface Slot {
  readonly spec: FaultSpec;
  remaining: number;
  used: number;
}

/** The simulator's fault script: first matching fault wins, each used up after `times` requests. */
export class FaultQueue {
  #slots: Slot[] = [];

  /** Adds a fault to the end of the script. */
  push(spec: FaultSpec): void {
    this.#slots.push({ spec, remaining: spec.times ?? 1, used: 0 });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#slots = [];
  }

  /** Faults not used up yet. */
  get pending(): readonly FaultSpec[] {
    return this.#slots.map((s) => s.spec);
  }

  /** Takes the first fault matching a request, if any. */
  take(protocol: 'v2' | 'v3', path: string): AppliedFault | undefined {
    const slot = this.#slots.find((s) => matches(s.spec, protocol, path));
    if (!slot) return undefined;
    slot.remaining -= 1;
    slot.used += 1;
    if (slot.remaining <= 0) this.#slots = this.#slots.filter((s) => s !== slot);
    return { ...slot.spec, occurrence: slot.used };
  }
}

function matches(spec: FaultSpec, protocol: 'v2' | 'v3', path: string): boolean {
  if (spec.protocol && spec.protocol !== protocol) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? path.startsWith(spec.path) : spec.path.test(path);
}

/** Where a `foreign-answer` fault finds the order and refund it answers about. */
export interface AnswerBook {
  order(outTradeNo: string): SimulatedOrder | undefined;
  refund(outRefundNo: string): SimulatedRefund | undefined;
  /** The order a refund belongs to. */
  orderOf(refund: SimulatedRefund): SimulatedOrder;
}

type Answer = Record<string, unknown>;

// v2 fields every signed reply carries, kept when the business part is swapped (partner
// replies also name the sub-merchant).
const V2_ENVELOPE = [
  'return_code',
  'return_msg',
  'appid',
  'mch_id',
  'sub_appid',
  'sub_mch_id',
  'nonce_str',
  'result_code',
];

function isErrorAnswer(protocol: 'v2' | 'v3', answer: Answer): boolean {
  return protocol === 'v2'
    ? answer.return_code !== 'SUCCESS' || answer.result_code !== 'SUCCESS'
    : typeof answer.code === 'string' && 'message' in answer;
}

function envelope(answer: Answer): Answer {
  return Object.fromEntries(V2_ENVELOPE.filter((k) => k in answer).map((k) => [k, answer[k]]));
}

/** The answer about `order` (or its refund) in the shape of `answer`. */
function aboutOrder(protocol: 'v2' | 'v3', answer: Answer, order: SimulatedOrder): Answer {
  const refund = 'out_refund_no' in answer || 'out_refund_no_0' in answer;
  if (refund) {
    // The same refund, filed under another order.
    return {
      ...answer,
      out_trade_no: order.outTradeNo,
      ...(order.transactionId ? { transaction_id: order.transactionId } : {}),
    };
  }
  if (!('out_trade_no' in answer)) return answer;
  return protocol === 'v2'
    ? { ...envelope(answer), ...orderQueryFields(order) }
    : partnerTransactionJson(order, transactionJson(order));
}

/** The answer about `refund` in the shape of `answer`. */
function aboutRefund(
  protocol: 'v2' | 'v3',
  answer: Answer,
  refund: SimulatedRefund,
  order: SimulatedOrder,
): Answer {
  if (protocol === 'v3') return 'out_refund_no' in answer ? refundJson(order, refund) : answer;
  if ('out_refund_no_0' in answer) {
    return { ...envelope(answer), ...refundQueryFields(order, [refund], 0) };
  }
  if ('out_refund_no' in answer) return { ...envelope(answer), ...refundFields(order, refund) };
  return answer;
}

/**
 * The answer a `foreign-answer` fault sends instead of `answer` (before it is signed, so the
 * signature verifies). Unknown orders or refunds in `answerFor` are a mistake in the test.
 */
export function foreignAnswer(
  protocol: 'v2' | 'v3',
  answer: Answer,
  about: NonNullable<FaultSpec['answerFor']>,
  book: AnswerBook,
): Answer {
  if (isErrorAnswer(protocol, answer)) return answer;
  let out = answer;
  if (about.outRefundNo !== undefined) {
    const refund = book.refund(about.outRefundNo);
    const order = refund && book.orderOf(refund);
    if (!refund || !order) throw new Error(`foreign-answer: no refund ${about.outRefundNo}`);
    out = aboutRefund(protocol, out, refund, order);
  } else if (about.outTradeNo !== undefined) {
    const order = book.order(about.outTradeNo);
    if (!order) throw new Error(`foreign-answer: no order ${about.outTradeNo}`);
    out = aboutOrder(protocol, out, order);
  }
  if (about.mchId !== undefined) {
    // Partner answers name the provider as sp_mchid.
    for (const field of protocol === 'v2' ? ['mch_id'] : ['mchid', 'sp_mchid']) {
      if (field in out) out = { ...out, [field]: about.mchId };
    }
  }
  return out;
}

/** The answer rewrite a fault asks for (`rewrite`, `foreign-answer`), if any. */
export function answerRewrite(
  fault: AppliedFault | undefined,
  protocol: 'v2' | 'v3',
  book: AnswerBook,
): ((answer: Answer) => Answer) | undefined {
  if (fault?.kind === 'rewrite') return fault.rewrite;
  const about = fault?.kind === 'foreign-answer' ? fault.answerFor : undefined;
  return about && ((answer) => foreignAnswer(protocol, answer, about, book));
}
