/**
 * `@wxpay/core`: the protocol-neutral payment API a merchant uses — the {@link PaymentClient}
 * contract and its types, the trade-state machine, typed errors, the retry policy, the
 * migration client. The plumbing adapters are built from is in `@wxpay/core/adapter`.
 * @packageDocumentation
 * @module @wxpay/core
 */
import * as adapter from './adapter.js';

export {
  type AwaitFinalStateOptions,
  awaitFinalState,
} from './await-final-state.js';
export type { ClientConfigBase } from './client-config-base.js';
export { type Clock, type NonceSource, systemClock } from './clock.js';
export { compareOrders, type OrderDivergence } from './compare-orders.js';
export {
  createMigrationClient,
  type DivergenceReport,
  type MigrationClient,
  type MigrationClientOptions,
  type MigrationMode,
} from './create-migration-client.js';
export {
  AbortedError,
  AnswerMismatchError,
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
// The acknowledgement formats and protocol detection are also on `@wxpay/core/adapter`, where
// the adapters take them from; here for merchants who answer notifications by hand.
export {
  type NotificationProtocol,
  type NotificationResponse,
  v2Acknowledgement,
  v3Acknowledgement,
} from './notify/acknowledgement.js';
export { createNodeNotificationHandler } from './notify/create-node-notification-handler.js';
export { createWebNotificationHandler } from './notify/create-web-notification-handler.js';
export {
  detectNotificationProtocol,
  type NotificationHeaders,
} from './notify/detect-notification-protocol.js';
export {
  DEFAULT_NOTIFICATION_MAX_BODY_BYTES,
  handleNotification,
  type IncomingNotification,
  type NotificationCallback,
  type NotificationClient,
  type NotificationErrorContext,
  type NotificationHandlerOptions,
} from './notify/handle-notification.js';
export {
  NotificationTooLargeError,
  UnsupportedNotificationProtocolError,
} from './notify/notification-errors.js';
export type { NotificationBody } from './notify/read-notification-body.js';
// Every name in order-details.ts is a public type (goods, store, wire fields, partner mode).
export type * from './order-details.js';
export { subMerchantSchema } from './order-details-schemas.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
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
export type { ClientCertificate, TransportOptions } from './transport.js';
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
  ServiceProviderClient,
  SubMerchantClient,
} from './types.js';

// ---- Deprecated: adapter plumbing, kept here so existing imports keep working -------------
// Each name below is the very same value as in `@wxpay/core/adapter` (see
// docs/decisions/0006-core-entry-points.md); new code imports it from there.

/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const randomNonce: typeof adapter.randomNonce = adapter.randomNonce;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const unixSeconds: typeof adapter.unixSeconds = adapter.unixSeconds;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type ApiErrorClass = adapter.ApiErrorClass;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type ErrorCodeContext = adapter.ErrorCodeContext;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const errorClassForCode: typeof adapter.errorClassForCode = adapter.errorClassForCode;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type AttemptContext = adapter.AttemptContext;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const backoffDelay: typeof adapter.backoffDelay = adapter.backoffDelay;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type RetryEvent = adapter.RetryEvent;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type RetryOptions = adapter.RetryOptions;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const sleep: typeof adapter.sleep = adapter.sleep;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const withRetry: typeof adapter.withRetry = adapter.withRetry;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const createOrderParamsSchema: typeof adapter.createOrderParamsSchema =
  adapter.createOrderParamsSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const orderRefSchema: typeof adapter.orderRefSchema = adapter.orderRefSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const outRefundNoSchema: typeof adapter.outRefundNoSchema = adapter.outRefundNoSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const outTradeNoSchema: typeof adapter.outTradeNoSchema = adapter.outTradeNoSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const parseInput: typeof adapter.parseInput = adapter.parseInput;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const refundParamsSchema: typeof adapter.refundParamsSchema = adapter.refundParamsSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const toValidationIssues: typeof adapter.toValidationIssues = adapter.toValidationIssues;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const transactionIdSchema: typeof adapter.transactionIdSchema = adapter.transactionIdSchema;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const createTransport: typeof adapter.createTransport = adapter.createTransport;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type HttpRequest = adapter.HttpRequest;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type HttpResponse = adapter.HttpResponse;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type HttpStreamResponse = adapter.HttpStreamResponse;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export type Transport = adapter.Transport;
/** @deprecated Adapter plumbing: import it from `@wxpay/core/adapter`. */
export const toTransportError: typeof adapter.toTransportError = adapter.toTransportError;
