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
} from './errors.js';

/** A constructor of one of the {@link ApiError} subclasses. */
export type ApiErrorClass = new (message: string, details: ApiErrorDetails) => ApiError;

/** What a failed call was about; decides where the ambiguous RESOURCE_NOT_EXISTS belongs. */
export type ErrorCodeContext = 'order' | 'refund' | 'other';

// PROTOCOL.md §1.7, §2.6 and §3.3, keyed by the code with underscores removed: the docs spell
// the same code both ways across generations (ORDERNOTEXIST / ORDER_NOT_EXIST).
const BY_SQUASHED_CODE: Readonly<Record<string, ApiErrorClass>> = {
  ORDERNOTEXIST: OrderNotFoundError,
  REFUNDNOTEXIST: RefundNotFoundError,
  ORDERPAID: OrderPaidError,
  ORDERCLOSED: OrderClosedError,
  OUTTRADENOUSED: DuplicateOrderError,
  FREQUENCYLIMITED: RateLimitedError,
  RATELIMITEXCEEDED: RateLimitedError,
  RATELIMITED: RateLimitedError,
  INVALIDREQTOOMUCH: RateLimitedError,
  SYSTEMERROR: SystemError,
  BANKERROR: SystemError,
  BIZERRNEEDRETRY: SystemError,
  SERVICEUNAVAILABLE: SystemError,
  SIGNERROR: AuthenticationError,
  NOAUTH: AuthenticationError,
  USERPAYING: UserPayingError,
};

/**
 * The wxpay error class for a WeChat Pay error code from either protocol, so the same
 * condition raises the same class through v2 and v3. Unknown codes are
 * {@link InvalidRequestError} (the code is kept on the error).
 */
export function errorClassForCode(
  code: string,
  context: ErrorCodeContext = 'other',
): ApiErrorClass {
  const squashed = code.toUpperCase().replace(/_/g, '');
  if (squashed === 'RESOURCENOTEXISTS') {
    return context === 'refund'
      ? RefundNotFoundError
      : context === 'order'
        ? OrderNotFoundError
        : InvalidRequestError;
  }
  return BY_SQUASHED_CODE[squashed] ?? InvalidRequestError;
}
