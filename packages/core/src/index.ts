export {
  type AwaitFinalStateOptions,
  awaitFinalState,
} from './await-final-state.js';
export { type Clock, type NonceSource, randomNonce, systemClock, unixSeconds } from './clock.js';
export { compareOrders, type OrderDivergence } from './compare-orders.js';
export {
  createMigrationClient,
  type DivergenceReport,
  type MigrationClient,
  type MigrationClientOptions,
  type MigrationMode,
} from './create-migration-client.js';
export {
  type ApiErrorClass,
  type ErrorCodeContext,
  errorClassForCode,
} from './error-class-for-code.js';
export {
  AbortedError,
  ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  DecryptionError,
  DuplicateOrderError,
  InvalidRequestError,
  InvalidStateTransitionError,
  MalformedMessageError,
  OrderClosedError,
  OrderNotFoundError,
  OrderPaidError,
  RateLimitedError,
  RefundNotFoundError,
  ResponseTooLargeError,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
  SystemError,
  TimeoutError,
  UnknownTradeStateError,
  UserPayingError,
  ValidationError,
  type ValidationIssue,
  WxPayError,
  type WxPayErrorClass,
  type WxPayErrorOptions,
} from './errors.js';
export { type LogEvent, type Logger, redact } from './logger.js';
export {
  type AttemptContext,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryEvent,
  type RetryOptions,
  type RetryPolicy,
  sleep,
  withRetry,
} from './retry.js';
export {
  createOrderParamsSchema,
  orderRefSchema,
  outRefundNoSchema,
  outTradeNoSchema,
  parseInput,
  refundParamsSchema,
  toValidationIssues,
  transactionIdSchema,
} from './schemas.js';
export {
  canTransition,
  isTerminal,
  isTradeState,
  type NextActionOptions,
  nextAction,
  REFUND_STATES,
  type RefundState,
  TRADE_STATE_TRANSITIONS,
  TRADE_STATES,
  type TradeState,
  type TradeStateAction,
  transition,
} from './trade-state.js';
export {
  type ClientCertificate,
  createTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpStreamResponse,
  type Transport,
  type TransportOptions,
  toTransportError,
} from './transport.js';
export type {
  AppConfig,
  BridgeConfig,
  CallOptions,
  CreateOrderBase,
  CreateOrderParams,
  H5Info,
  NotificationRequest,
  Order,
  OrderAmount,
  OrderAmounts,
  OrderKind,
  OrderRef,
  Payer,
  PaymentClient,
  PaymentNotification,
  Prepay,
  Promotion,
  Refund,
  RefundParams,
} from './types.js';
export type {
  GoodsDetail,
  GoodsItem,
  RefundFundsSource,
  RefundGoodsItem,
  StoreInfo,
  SubMerchant,
  SubPayer,
  WireFields,
  WireValue,
} from './order-details.js';
export { subMerchantSchema } from './order-details-schemas.js';
export type { ServiceProviderClient, SubMerchantClient } from './types.js';
