export type { ItemRunner, Observation, TrackerBackend } from './backend.js';
export { createTracker } from './create-tracker.js';
export type {
  OrderItem,
  RefundItem,
  StoredOrder,
  StoredRefund,
  TrackedItem,
  TrackedProgress,
} from './items.js';
export { isLostLock, LostLockError } from './lost-lock-error.js';
export { createMemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export { readTracker, type TrackerReader } from './read-tracker.js';
export type {
  AmountMismatch,
  BillPayment,
  BillRefund,
  PaidNotFulfilled,
  ReconcileOptions,
  ReconcileProgress,
  ReconcileReport,
} from './reconcile/report.js';
export { createRedisBackend } from './redis/redis-backend.js';
export { DEFAULT_SCHEDULE, type TrackerSchedule } from './schedule.js';
export type {
  DeliveryContext,
  NotifyResult,
  OrderStatus,
  RedisBackendOptions,
  RefundStatus,
  TrackedError,
  TrackedKind,
  Tracker,
  TrackerCallback,
  TrackerOptions,
  TrackerSummary,
  TrackingPhase,
  TrackOptions,
} from './types.js';
