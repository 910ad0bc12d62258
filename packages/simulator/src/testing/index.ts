/**
 * `@wxpay/simulator/testing`: helpers for the tests of packages that run against the
 * simulator — independent checks of what it sends (signatures, encrypted resources) and the
 * bookkeeping of adversarial (security) suites. Test code only; nothing here is needed to run
 * the simulator itself.
 * @packageDocumentation
 * @module @wxpay/simulator/testing
 */
export {
  type ExpectedErrorClass,
  flipBit,
  type Miss,
  RejectionRecorder,
  settle,
  Tally,
} from './tally.js';
export { decryptReqInfo, decryptResource, verifyV3Answer } from './verify.js';
