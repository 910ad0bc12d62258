import {
  type ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  DuplicateOrderError,
  InvalidRequestError,
  OrderClosedError,
  OrderNotFoundError,
  OrderPaidError,
  RateLimitedError,
  RefundNotFoundError,
  SystemError,
  UserPayingError,
} from '@wxpay/core';
import { errorBodySchema } from './schemas/misc.js';

/** What the failed call was about, to place RESOURCE_NOT_EXISTS. */
export type ErrorContext = 'order' | 'refund' | 'other';

/** Normalizes both doc generations' spellings: `ORDER_NOT_EXIST` ≡ `ORDERNOTEXIST`. */
function squash(code: string): string {
  return code.toUpperCase().replace(/_/g, '');
}

const NOT_FOUND = new Set(['ORDERNOTEXIST']);
const CLOSED = new Set(['ORDERCLOSED']);
const PAID = new Set(['ORDERPAID']);
const DUPLICATE = new Set(['OUTTRADENOUSED']);
const RATE_LIMITED = new Set([
  'FREQUENCYLIMITED',
  'RATELIMITEXCEEDED',
  'RATELIMITED',
  'INVALIDREQTOOMUCH',
]);
const SYSTEM = new Set(['SYSTEMERROR', 'BANKERROR', 'SERVICEUNAVAILABLE', 'BIZERRNEEDRETRY']);
const AUTH = new Set(['SIGNERROR', 'NOAUTH']);

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A non-success v3 answer: status, lower-cased headers, raw body text. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Maps an error answer (`{code, message, detail}` + HTTP status, PROTOCOL.md §2.6/§3.3) to
 * core's error classes. The body is unverified (WeChat Pay does not sign errors), so it only
 * classifies; nothing is acted upon.
 */
export function toApiError(
  response: ErrorResponse,
  context: ErrorContext,
  nowMs: number,
): ApiError {
  let raw: unknown = response.body;
  let code: string | undefined;
  let message: string | undefined;
  try {
    raw = response.body ? (JSON.parse(response.body) as unknown) : undefined;
    const parsed = errorBodySchema.safeParse(raw);
    if (parsed.success) {
      code = parsed.data.code;
      message = parsed.data.message;
    }
  } catch {
    raw = response.body.slice(0, 512);
  }
  const { status } = response;
  const requestId = response.headers['request-id'];
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
  const finalCode = code ?? (status === 202 ? 'USERPAYING' : `HTTP_${status}`);
  const details: ApiErrorDetails = {
    code: finalCode,
    status,
    raw,
    ...(requestId ? { requestId } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const text = `WeChat Pay ${status} ${finalCode}${message ? `: ${message}` : ''}${requestId ? ` (Request-ID ${requestId})` : ''}`;
  const key = squash(finalCode);

  if (status === 202 || key === 'USERPAYING') return new UserPayingError(text, details);
  if (NOT_FOUND.has(key)) return new OrderNotFoundError(text, details);
  if (key === 'REFUNDNOTEXIST') return new RefundNotFoundError(text, details);
  if (key === 'RESOURCENOTEXISTS') {
    return context === 'refund'
      ? new RefundNotFoundError(text, details)
      : new OrderNotFoundError(text, details);
  }
  if (CLOSED.has(key)) return new OrderClosedError(text, details);
  if (PAID.has(key)) return new OrderPaidError(text, details);
  if (DUPLICATE.has(key)) return new DuplicateOrderError(text, details);
  if (RATE_LIMITED.has(key) || status === 429) return new RateLimitedError(text, details);
  // A 500 that names a caller mistake is not worth retrying (PROTOCOL.md §2.6).
  if (key === 'OPENIDMISMATCH') return new InvalidRequestError(text, details);
  if (SYSTEM.has(key) || status >= 500) return new SystemError(text, details);
  if (AUTH.has(key) || status === 401) return new AuthenticationError(text, details);
  return new InvalidRequestError(text, details);
}
