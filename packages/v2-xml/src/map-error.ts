import {
  type ApiError,
  AuthenticationError,
  InvalidRequestError,
  RateLimitedError,
  SystemError,
} from '@wxpay/core';
import { type ApiErrorClass, errorClassForCode, formatApiErrorMessage } from '@wxpay/core/adapter';

/**
 * The error class for a v2 `err_code` (docs/protocol/errors.md), from core's table shared with
 * v3, so ORDERNOTEXIST here and ORDER_NOT_EXIST there raise the same class. Unknown codes are
 * an `InvalidRequestError`; `description` (`err_code_des`) recognises the live duplicate-order
 * form of INVALID_REQUEST.
 */
export function errorClassFor(code: string, description?: string): ApiErrorClass {
  return errorClassForCode(code, 'order', description);
}

const SIGNATURE_MESSAGE = /签名|sign/i;
const CODE_LIKE = /^[A-Z][A-Z0-9_]{2,}$/;

/**
 * The error of a `return_code=FAIL` reply (communication layer, usually unsigned): by `err_code`
 * when present, else by `return_msg` (a signature complaint is an authentication failure).
 */
export function returnFailError(raw: Readonly<Record<string, string>>, status: number): ApiError {
  const message = raw.return_msg || 'request refused';
  const explicit = raw.err_code || raw.error_code;
  const code =
    explicit && CODE_LIKE.test(explicit)
      ? explicit
      : CODE_LIKE.test(message)
        ? message
        : SIGNATURE_MESSAGE.test(message)
          ? 'SIGNERROR'
          : explicit || 'FAIL';
  const Class = errorClassFor(code);
  return new Class(formatApiErrorMessage({ protocol: 'v2', code, message, status }), {
    code,
    status,
    raw,
  });
}

/**
 * The error of a signed `result_code=FAIL` reply (business layer). Messages of every API error
 * come from core's one format and hint table (formatApiErrorMessage), shared with v3.
 */
export function resultFailError(raw: Readonly<Record<string, string>>, status: number): ApiError {
  const code = raw.err_code || 'FAIL';
  const description = raw.err_code_des || raw.return_msg || code;
  const Class = errorClassFor(code, raw.err_code_des);
  return new Class(formatApiErrorMessage({ protocol: 'v2', code, message: description, status }), {
    code,
    status,
    raw,
  });
}

/** The error of a non-200 HTTP status (5xx and 429 are retryable). */
export function httpStatusError(status: number, raw?: unknown): ApiError {
  const code = `HTTP_${status}`;
  const message = formatApiErrorMessage({ protocol: 'v2', code, status });
  if (status >= 500) return new SystemError(message, { code, status, raw });
  if (status === 429) return new RateLimitedError(message, { code, status, raw });
  if (status === 401 || status === 403)
    return new AuthenticationError(message, { code, status, raw });
  return new InvalidRequestError(message, { code, status, raw });
}
