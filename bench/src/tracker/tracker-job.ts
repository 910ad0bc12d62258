/**
 * The messages between case J's parent (`run-tracker.ts`: Redis, the simulator, payments) and
 * its tracker process (`tracker-worker.ts`: a v2 client, the notify endpoint and the tracker on
 * the Redis backend), and the order numbers both sides derive.
 */
import type { TrackerSchedule } from '@wxpay/tracker';

/** What the tracker process needs to reach the simulator and Redis. */
export interface TrackerInit {
  readonly type: 'init';
  readonly simUrl: string;
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly redisPort: number;
}

/** Replaces the running tracker with a fresh one (own key prefix and schedule). */
export interface TrackerOpen {
  readonly type: 'open';
  readonly prefix: string;
  readonly schedule: Partial<TrackerSchedule>;
  /** Record when `onPaid` ran for each order (the latency phase; off for bulk phases). */
  readonly recordTimes: boolean;
}

/** Tracks `count` orders `tag` `from`…, `concurrency` at a time. */
export interface TrackerCreate {
  readonly type: 'create';
  readonly tag: string;
  readonly from: number;
  readonly count: number;
  readonly concurrency: number;
  /**
   * `createOrder` through the tracker; create at WeChat Pay first (untimed) and `track`; or
   * `client`: the client's own `createOrder`, no tracker (the baseline).
   */
  readonly via: 'createOrder' | 'track' | 'client';
}

/** The reply to {@link TrackerCreate}. */
export interface TrackerCreated {
  readonly type: 'created';
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError?: string;
  /** With `recordTimes`: when each order's creation returned (ms since the epoch). */
  readonly createdAt: readonly number[];
}

/** Counters of the tracker process at the time of a reply. */
export interface TrackerCounters {
  readonly type: 'counters';
  /** `onPaid` calls so far (all trackers of this process). */
  readonly paid: number;
  /** CPU of the process so far (user + system, µs). */
  readonly cpuUs: number;
}

/** Heap after two forced full GCs. */
export interface TrackerHeap {
  readonly type: 'heap';
  readonly heapUsedMb: number;
  readonly rssMb: number;
}

/** The `onPaid` times recorded since the tracker was opened (with `recordTimes`). */
export interface TrackerPaidTimes {
  readonly type: 'paid-times';
  readonly times: Readonly<Record<string, number>>;
}

/** Order number `index` of a batch `tag` (at most 32 characters, as WeChat Pay allows). */
export const benchOrderNo = (tag: string, index: number): string =>
  `${tag}${String(index).padStart(7, '0')}`;
