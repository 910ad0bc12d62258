/**
 * `@wxpay/core/adapter`: the plumbing a protocol adapter is built from — the HTTP transport,
 * the retry loop, input validation and its schemas, the error-code table and the nonce and
 * time helpers. A merchant never needs these; they live apart from `@wxpay/core` so that a
 * merchant's autocomplete shows the payment API only (see docs/decisions/0006-core-entry-points.md).
 * @packageDocumentation
 * @module @wxpay/core/adapter
 */
export {
  BACKUP_API_ORIGIN,
  type BackupDomainOptions,
  isConnectionFailure,
  PRIMARY_API_ORIGIN,
  resolveBackupBaseUrl,
  withBackupDomain,
} from './backup-domain.js';
export { randomNonce, unixSeconds } from './clock.js';
export {
  type ApiErrorClass,
  type ErrorCodeContext,
  errorClassForCode,
} from './error-class-for-code.js';
export {
  type ApiErrorFacts,
  type ErrorHint,
  errorHint,
  formatApiErrorMessage,
  looksLikePath,
  pathInsteadOfKeyHint,
} from './error-hints.js';
export { v2Acknowledgement, v3Acknowledgement } from './notify/acknowledgement.js';
export { detectNotificationProtocol } from './notify/detect-notification-protocol.js';
export { subMerchantSchema } from './order-details-schemas.js';
export { checkPartnerPayer, payingAppId } from './partner-payer.js';
export { type PaymentCalls, type PaymentSteps, paymentCalls } from './payment-calls.js';
export {
  type AttemptContext,
  backoffDelay,
  type RetryEvent,
  type RetryOptions,
  sleep,
  withRetry,
} from './retry.js';
export {
  createOrderParamsSchema,
  orderRefSchema,
  outRefundNoSchema,
  outTradeNoSchema,
  parseConfig,
  parseInput,
  refundParamsSchema,
  toValidationIssues,
  transactionIdSchema,
} from './schemas.js';
export { type SettleCloseSteps, settleClose } from './settle-close.js';
export { type SubMerchantSteps, subMerchantClient } from './sub-merchant-client.js';
export {
  createTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpStreamResponse,
  type Transport,
  toTransportError,
} from './transport.js';
