import {
  type ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  InvalidRequestError,
  RateLimitedError,
  SystemError,
  UserPayingError,
} from '@wxpay/core';
import { errorClassForCode, formatApiErrorMessage } from '@wxpay/core/adapter';
import { errorBodySchema } from './schemas/misc.js';

/** What the failed call was about, to place RESOURCE_NOT_EXISTS. */
export type ErrorContext = 'order' | 'refund' | 'other';

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
 * Maps an error answer (`{code, message, detail}` + HTTP status, docs/protocol/v3.md, docs/protocol/errors.md) to
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
  // One format for both adapters: what happened, code and message, Request-ID, what to check.
  const text = formatApiErrorMessage({
    protocol: 'v3',
    code: finalCode,
    message,
    status,
    requestId,
  });
  if (status === 202) return new UserPayingError(text, details);
  const Known = errorClassForCode(finalCode, context === 'refund' ? 'refund' : 'order', message);
  if (Known !== InvalidRequestError) return new Known(text, details);
  // Codes outside the table: classify by status. A 500 that names a caller mistake is not
  // worth retrying (docs/protocol/v3.md).
  if (status === 429) return new RateLimitedError(text, details);
  if (finalCode.toUpperCase().replace(/_/g, '') === 'OPENIDMISMATCH')
    return new InvalidRequestError(text, details);
  if (status >= 500) return new SystemError(text, details);
  if (status === 401) return new AuthenticationError(text, details);
  return new InvalidRequestError(text, details);
}
