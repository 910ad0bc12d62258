/**
 * `@wxpay/simulator/testing`: helpers for the tests of packages that run against the
 * simulator — independent checks of what it sends (signatures, encrypted resources) and the
 * bookkeeping of adversarial (security) suites. Test code only; nothing here is needed to run
 * the simulator itself.
 * @packageDocumentation
 * @module @wxpay/simulator/testing
 */
export { createLoadOrders, type LoadOrdersOptions } from './create-load-orders.js';
export { type DeadServer, startDeadServer } from './dead-server.js';
export { expectFuzzVerdict, type FuzzVerdict } from './expect-fuzz-verdict.js';
export { findGc } from './find-gc.js';
export { type LocalServer, startLocalServer, unusedLocalUrl } from './local-server.js';
export { type NotificationEndpoint, startNotificationEndpoint } from './notification-endpoint.js';
export type { MeasuredQueryLoadOptions, QueryLoad, QueryLoadOptions } from './run-query-load.js';
export { type MeasuredQueryLoad, measureQueryLoad, runQueryLoad } from './run-query-load.js';
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
