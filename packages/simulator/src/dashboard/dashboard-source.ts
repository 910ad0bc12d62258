import type { ChangeFeed } from '../change-feed.js';
import type { SimulatorMerchant } from '../credentials.js';
import type { FaultQueue } from '../faults.js';
import type { NotificationLog } from '../notification-log.js';
import type { OrderStore } from '../order-store.js';
import type { RecordedRequest } from '../simulator-types.js';

/** What the dashboard reads from a running simulator (the simulator server is one). */
export interface DashboardSource {
  readonly url: string;
  readonly merchant: SimulatorMerchant;
  readonly store: OrderStore;
  readonly notifications: NotificationLog;
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  readonly changes: ChangeFeed;
  now(): number;
}
