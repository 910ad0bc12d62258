import type { LogEvent, Order, PaymentClient, Refund } from '@wxpay/core';
import type { TrackedItem } from './items.js';
import type { TrackerSchedule } from './schedule.js';
import type { TrackerCallback } from './types.js';

/** What a run of one item needs. */
export interface RunContext {
  readonly client: PaymentClient;
  readonly schedule: TrackerSchedule;
  readonly onPaid: TrackerCallback<Order>;
  readonly onClosed?: TrackerCallback<Order> | undefined;
  readonly onRefunded?: TrackerCallback<Refund> | undefined;
  readonly onFailed?: TrackerCallback<Order> | undefined;
  now(): number;
  log(event: LogEvent): void;
  save(item: TrackedItem): Promise<void>;
}
