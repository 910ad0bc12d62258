/**
 * When the tracker looks at an order again. The defaults follow WeChat Pay's guide to
 * querying orders (a first look soon after creation, more often in the first minute, then
 * every 30 s; payment-code charges every few seconds while the payer enters a password).
 */
export interface TrackerSchedule {
  /** First query after creation, in ms (default 5 s). */
  readonly firstQueryMs: number;
  /** Interval during the first `earlyPeriodMs` of an order's life (default 10 s). */
  readonly earlyIntervalMs: number;
  /** How long the early interval applies after creation (default 60 s). */
  readonly earlyPeriodMs: number;
  /** Interval afterwards (default 30 s). */
  readonly intervalMs: number;
  /** Interval while a payment-code charge is USERPAYING (default 5 s). */
  readonly userPayingIntervalMs: number;
  /** Interval between refund queries (default 30 s). */
  readonly refundIntervalMs: number;
  /** First wait after a transient error or a callback that threw (default 1 s); doubles. */
  readonly retryBaseMs: number;
  /** Longest wait after repeated transient errors (default 60 s). */
  readonly retryMaxMs: number;
  /** Expiry of orders created without `expiresAt` (default 2 h, WeChat Pay's default). */
  readonly defaultExpiryMs: number;
}

/** The default schedule. */
export const DEFAULT_SCHEDULE: TrackerSchedule = {
  firstQueryMs: 5_000,
  earlyIntervalMs: 10_000,
  earlyPeriodMs: 60_000,
  intervalMs: 30_000,
  userPayingIntervalMs: 5_000,
  refundIntervalMs: 30_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  defaultExpiryMs: 2 * 3600_000,
};

/** Merges overrides into the default schedule. */
export function resolveSchedule(overrides: Partial<TrackerSchedule> = {}): TrackerSchedule {
  return { ...DEFAULT_SCHEDULE, ...overrides };
}

/**
 * When to query an open order next: never later than its expiry, so the close happens on time.
 */
export function nextQueryAt(
  schedule: TrackerSchedule,
  order: { readonly createdAt: number; readonly expiresAt: number; readonly userPaying: boolean },
  now: number,
): number {
  const age = now - order.createdAt;
  const interval = order.userPaying
    ? schedule.userPayingIntervalMs
    : age < schedule.earlyPeriodMs
      ? schedule.earlyIntervalMs
      : schedule.intervalMs;
  const next = now + interval;
  return now < order.expiresAt ? Math.min(next, order.expiresAt) : next;
}

/** The wait after the `failures`-th consecutive failure (1-based), doubling up to the cap. */
export function retryDelay(schedule: TrackerSchedule, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(schedule.retryBaseMs * 2 ** exponent, schedule.retryMaxMs);
}

/** When to query a tracked order next, from its creation, expiry and last seen state. */
export function nextPollAt(
  schedule: TrackerSchedule,
  item: { readonly createdAt: number; readonly expiresAt: number; readonly state: string },
  now: number,
): number {
  const userPaying = item.state === 'USERPAYING' || item.state === 'ACCEPT';
  return nextQueryAt(
    schedule,
    { createdAt: item.createdAt, expiresAt: item.expiresAt, userPaying },
    now,
  );
}
