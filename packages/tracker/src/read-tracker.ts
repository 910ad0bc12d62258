import { systemClock } from '@wxpay/core';
import { orderId, refundId } from './items.js';
import { createRedisBackend } from './redis/redis-backend.js';
import { toStatus } from './to-status.js';
import type { OrderStatus, RedisBackendOptions, RefundStatus, TrackerSummary } from './types.js';
import { requireOutTradeNo } from './validate.js';

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
    async status(ref) {
      const id =
        'outRefundNo' in ref
          ? refundId(requireOutTradeNo(ref.outRefundNo, 'outRefundNo'))
          : orderId(requireOutTradeNo(ref.outTradeNo));
      const item = await backend.get(id);
      return item && toStatus(item);
    },
    summary: () => backend.summary(),
    close: () => backend.close(),
  };
}
