/**
 * The wxpay error hierarchy. Every error the SDK raises is a {@link WxPayError}; the same
 * WeChat Pay condition maps to the same class from the v2 and the v3 adapter.
 *
 * Errors never carry secrets: no API key, APIv3 key, private key or Authorization header is
 * ever put in a message, a property or a `cause`.
 */

const BRAND = Symbol.for('@wxpay/core/error-kinds');

/** Any wxpay error class (used by {@link WxPayError.isInstance}). */
export type WxPayErrorClass = abstract new (...args: never[]) => WxPayError;

/** Options shared by every wxpay error. */
export interface WxPayErrorOptions {
  /** The underlying error, if any. Must not hold secrets. */
  readonly cause?: unknown;
}

/** Base class of every error raised by wxpay. */
export class WxPayError extends Error {
  /**
   * A stable identifier of the class: its name, which minifiers may rename on the class itself.
   * Used for `name` and by {@link WxPayError.isInstance}; each subclass gets its own through
   * `nameErrorKinds`.
   */
  static readonly kind: string = 'WxPayError';
  /** True when the same call may succeed if tried again unchanged. */
  readonly retryable: boolean = false;

  constructor(message: string, options: WxPayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = (new.target as unknown as { kind: string }).kind;
    // Record every class in the chain under a global symbol, so instanceof-like checks work
    // when two copies of @wxpay/core are installed side by side.
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'kind')) kinds.push((c as unknown as { kind: string }).kind);
    }
    Object.defineProperty(this, BRAND, { value: kinds, enumerable: false });
  }

  /**
   * Like `instanceof`, but also true for errors created by another installed copy of wxpay.
   * Call it on the class you want: `OrderNotFoundError.isInstance(err)`.
   */
  static isInstance<T extends WxPayErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as { [BRAND]?: unknown })[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check is called on.
    const kind = (this as unknown as { kind: string }).kind;
    return Array.isArray(kinds) && kinds.includes(kind);
  }

  /** A plain, secret-free representation for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, retryable: this.retryable };
  }
}

/** Details of an error answered by the WeChat Pay API. */
export interface ApiErrorDetails extends WxPayErrorOptions {
  /** The WeChat Pay error code (`err_code`, v3 `code`, or an HTTP-derived code). */
  readonly code: string;
  /** HTTP status, when the error came with one. */
  readonly status?: number;
  /** v3 `Request-ID` header, when present; quote it to WeChat Pay support. */
  readonly requestId?: string;
  /** The decoded error body as the server sent it. */
  readonly raw?: unknown;
  /** Server-suggested wait before retrying (from `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
}

/** WeChat Pay answered with an error. Subclasses name the meaning. */
export class ApiError extends WxPayError {
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly raw: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ApiErrorDetails) {
    super(message, details);
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.raw = details.raw;
    this.retryAfterMs = details.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      code: this.code,
      status: this.status,
      requestId: this.requestId,
      raw: this.raw,
    };
  }
}

/** The order does not exist (ORDERNOTEXIST, ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS). */
export class OrderNotFoundError extends ApiError {}
/** The refund does not exist (REFUNDNOTEXIST, RESOURCE_NOT_EXISTS on a refund). */
export class RefundNotFoundError extends ApiError {}
/** The order is already paid (ORDERPAID); query it instead. */
export class OrderPaidError extends ApiError {}
/** The order is closed (ORDERCLOSED, ORDER_CLOSED); a new payment needs a new out_trade_no. */
export class OrderClosedError extends ApiError {}
/** The out_trade_no was used with different parameters (OUT_TRADE_NO_USED). */
export class DuplicateOrderError extends ApiError {}
/** Too many requests (FREQUENCY_LIMITED, RATELIMIT_EXCEEDED, HTTP 429). Retryable. */
export class RateLimitedError extends ApiError {
  override readonly retryable: boolean = true;
}
/** A transient server or bank failure (SYSTEMERROR, BANKERROR, HTTP 5xx). Retryable. */
export class SystemError extends ApiError {
  override readonly retryable: boolean = true;
}
/** WeChat Pay rejected our credentials or signature (SIGNERROR, SIGN_ERROR, NOAUTH). */
export class AuthenticationError extends ApiError {}
/** Any other refusal (PARAM_ERROR, INVALID_REQUEST, NOTENOUGH …); `code` says which. */
export class InvalidRequestError extends ApiError {}
/**
 * The payer is still paying (v2 micropay USERPAYING, v3 HTTP 202). Not a failure:
 * poll with `awaitFinalState`.
 */
export class UserPayingError extends ApiError {}

/** The request could not be completed on the network (refused, reset, DNS …). Retryable. */
export class ConnectionError extends WxPayError {
  override readonly retryable: boolean = true;
}
/** An attempt or a whole call ran out of time. Retryable. */
export class TimeoutError extends ConnectionError {}
/** The caller's AbortSignal fired. Never retried. */
export class AbortedError extends ConnectionError {
  override readonly retryable: boolean = false;
}
/** The response body exceeded the configured size cap; it was not read further. */
export class ResponseTooLargeError extends WxPayError {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`response body exceeds the ${limitBytes}-byte limit`);
    this.limitBytes = limitBytes;
  }
}

/** A signature on a response or notification is missing, stale or wrong. Never retried. */
export class SignatureVerificationError extends WxPayError {}
/**
 * WeChat Pay sent a deliberate probe signature (`WECHATPAY/SIGNTEST/…`) to check that the
 * merchant verifies. The message must be refused; for an API response the outcome is unknown.
 */
export class SignatureProbeError extends SignatureVerificationError {}
/** Decryption or authentication of an encrypted payload failed (wrong key, tampered data). */
export class DecryptionError extends WxPayError {}

/** One problem found while validating data. */
export interface ValidationIssue {
  /** Where the problem is, as a dotted path (`amount.total`). */
  readonly path: string;
  readonly message: string;
}

/** The server's answer did not have the expected shape (or contained an unknown value). */
export class ResponseValidationError extends WxPayError {
  readonly issues: readonly ValidationIssue[];
  /** The decoded wire object, kept so nothing the server said is lost. */
  readonly raw: unknown;
  constructor(
    message: string,
    details: { issues?: readonly ValidationIssue[]; raw?: unknown; cause?: unknown } = {},
  ) {
    super(message, details);
    this.issues = details.issues ?? [];
    this.raw = details.raw;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues, raw: this.raw };
  }
}
/** The server reported a `trade_state` outside the eight known values. */
export class UnknownTradeStateError extends ResponseValidationError {}
/**
 * A verified answer is about something other than what was asked: another merchant, order or
 * refund. A signature proves who wrote an answer, not which request it answers, so a misrouted
 * or replayed answer verifies and still must not be believed. Never retried: the same route may
 * give the same wrong answer again, and acting on it would settle the wrong order.
 */
export class AnswerMismatchError extends ResponseValidationError {
  /** The wire field that differs from the request (`out_trade_no`, `mchid` …). */
  readonly field: string;
  constructor(
    field: string,
    details: {
      expected?: string | undefined;
      received?: unknown;
      raw?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(
      `answer is not about what was asked: ${field} is ${shown(details.received, 'absent')}, ` +
        `the request had ${shown(details.expected, 'none')}`,
      {
        issues: [{ path: field, message: 'does not match the request' }],
        raw: details.raw,
        cause: details.cause,
      },
    );
    this.field = field;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** A wire value for a message: JSON, cut short; `missing` when there is none. */
function shown(value: unknown, missing: string): string {
  return value === undefined ? missing : String(JSON.stringify(value) ?? typeof value).slice(0, 80);
}

/**
 * A message could not be parsed safely: malformed XML/JSON, a DOCTYPE or entity declaration,
 * nested elements where a flat message is expected, invalid UTF-8.
 */
export class MalformedMessageError extends WxPayError {}

/** The caller's input is invalid; `issues` names each offending field. */
export class ValidationError extends WxPayError {
  readonly issues: readonly ValidationIssue[];
  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options: WxPayErrorOptions = {},
  ) {
    super(message, options);
    this.issues = issues;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}
/** The client configuration is invalid. The message names the field, never its value. */
export class ConfigError extends ValidationError {}

/** An order was asked to move between two states that the state machine forbids. */
export class InvalidStateTransitionError extends WxPayError {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string) {
    super(`illegal trade state transition ${from} -> ${to}`);
    this.from = from;
    this.to = to;
  }
}

/**
 * Gives each class its own `kind`, the key it is listed under, so the name is written once per
 * class and survives minification. Called once for every error class right after it is
 * declared; a class left out would share its parent's kind (and its `isInstance` answers).
 */
export function nameErrorKinds(classes: Readonly<Record<string, WxPayErrorClass>>): void {
  for (const [kind, errorClass] of Object.entries(classes)) {
    Object.defineProperty(errorClass, 'kind', {
      value: kind,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

// Every class above, in hierarchy order.
nameErrorKinds({
  ApiError,
  OrderNotFoundError,
  RefundNotFoundError,
  OrderPaidError,
  OrderClosedError,
  DuplicateOrderError,
  RateLimitedError,
  SystemError,
  AuthenticationError,
  InvalidRequestError,
  UserPayingError,
  ConnectionError,
  TimeoutError,
  AbortedError,
  ResponseTooLargeError,
  SignatureVerificationError,
  SignatureProbeError,
  DecryptionError,
  ResponseValidationError,
  UnknownTradeStateError,
  AnswerMismatchError,
  MalformedMessageError,
  ValidationError,
  ConfigError,
  InvalidStateTransitionError,
});
