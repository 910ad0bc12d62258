import { systemClock } from '@wxpay/core';
import { createRedisBackend } from './redis/redis-backend.js';
import { readStatus } from './to-status.js';
import type { OrderStatus, RedisBackendOptions, RefundStatus, TrackerSummary } from './types.js';

/** A read-only view of a Redis tracker's state (for dashboards and `wxpay track status`). */
export interface TrackerReader {
  status(
    ref: { readonly outTradeNo: string } | { readonly outRefundNo: string },
  ): Promise<OrderStatus | RefundStatus | undefined>;
  summary(): Promise<TrackerSummary>;
  /** Closes the Redis connections. */
  close(): Promise<void>;
}

/**
 * Opens the state of the trackers sharing a Redis (same host, port and prefix) for reading,
 * without a payment client and without taking any work.
 */
export function readTracker(options: { readonly redis: RedisBackendOptions }): TrackerReader {
  const backend = createRedisBackend(options.redis, systemClock);
  return {
    status: (ref) => readStatus(backend, ref),
    summary: () => backend.summary(),
    close: () => backend.close(),
  };
}
