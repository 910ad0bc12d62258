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

// docs/protocol/errors.md, keyed by the code with underscores removed: the docs spell the same
// code both ways across generations (ORDERNOTEXIST / ORDER_NOT_EXIST).
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
  // v2 refund: the order is still being processed; the same request succeeds later
  // (docs/protocol/live-behaviour.md, refunds).
  ORDERNOTREADY: SystemError,
};

// Live WeChat Pay also answers a re-used out_trade_no as INVALID_REQUEST with the text
// "201 商户订单号重复" (docs/protocol/live-behaviour.md, order creation).
const DUPLICATE_ORDER_TEXT = /(^|\D)201(\D|$)|商户订单号重复/;

/**
 * The wxpay error class for a WeChat Pay error code from either protocol, so the same
 * condition raises the same class through v2 and v3. Unknown codes are
 * {@link InvalidRequestError} (the code is kept on the error). `message` (v2 `err_code_des`,
 * v3 `message`) tells the live duplicate-order form of INVALID_REQUEST apart.
 */
export function errorClassForCode(
  code: string,
  context: ErrorCodeContext = 'other',
  message?: string,
): ApiErrorClass {
  const squashed = code.toUpperCase().replace(/_/g, '');
  if (
    squashed === 'INVALIDREQUEST' &&
    message !== undefined &&
    DUPLICATE_ORDER_TEXT.test(message)
  ) {
    return DuplicateOrderError;
  }
  if (squashed === 'RESOURCENOTEXISTS') {
    return context === 'refund'
      ? RefundNotFoundError
      : context === 'order'
        ? OrderNotFoundError
        : InvalidRequestError;
  }
  return BY_SQUASHED_CODE[squashed] ?? InvalidRequestError;
}
