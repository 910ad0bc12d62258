// Shared with the other adapter's security suite: the one implementation lives in the
// simulator's test kit.
export {
  type ExpectedErrorClass as ErrorClass,
  flipBit,
  type Miss,
  RejectionRecorder,
  settle,
  Tally,
} from '@wxpay/simulator/contract';
