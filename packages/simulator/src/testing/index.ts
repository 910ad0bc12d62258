/**
 * `@wxpay/simulator/testing`: helpers for the tests of packages that run against the
 * simulator — independent checks of what it sends (signatures, encrypted resources) and the
 * bookkeeping of adversarial (security) suites. Test code only; nothing here is needed to run
 * the simulator itself.
 * @packageDocumentation
 * @module @wxpay/simulator/testing
 */
export type { AppIdClients, AppIdOverrides } from './app-id-clients.js';
export { startAppIdClients } from './app-id-clients.js';
export type { CheckingSchema, GuardComparison } from './compare-with-schema.js';
export { compareWithSchema } from './compare-with-schema.js';
export { createLoadOrders, type LoadOrdersOptions } from './create-load-orders.js';
export { type DeadServer, startDeadServer } from './dead-server.js';
export { expectFuzzVerdict, type FuzzVerdict } from './expect-fuzz-verdict.js';
export { findGc } from './find-gc.js';
export { type LocalServer, startLocalServer, unusedLocalUrl } from './local-server.js';
export { type NotificationEndpoint, startNotificationEndpoint } from './notification-endpoint.js';
export { outTradeNumbers } from './out-trade-numbers.js';
export { firstSubMerchant, PARTNER_EXAMPLE_ORDER } from './partner-example.js';
export { type DeliveredNotification, paymentNotificationOf } from './payment-notification-of.js';
export type { NativeOrderClient, PaidNativeOrder } from './place-paid-order.js';
export { placePaidOrder } from './place-paid-order.js';
export { rejectionOf } from './rejection-of.js';
export type { MeasuredQueryLoadOptions, QueryLoad, QueryLoadOptions } from './run-query-load.js';
export { type MeasuredQueryLoad, measureQueryLoad, runQueryLoad } from './run-query-load.js';
export { type SimulatorWithClient, startSimulatorClient } from './simulator-client.js';
export {
  type ExpectedErrorClass,
  flipBit,
  type Miss,
  RejectionRecorder,
  settle,
  Tally,
} from './tally.js';
export { thrownBy } from './thrown-by.js';
export { recordUnhandledRejections, type UnhandledRejections } from './unhandled-rejections.js';
export { decryptReqInfo, decryptResource, verifyV3Answer } from './verify.js';
export { type FailoverOrigins, withDeadPrimary } from './with-dead-primary.js';
