import type {
  Clock,
  CreateOrderParams,
  Logger,
  Order,
  OrderKind,
  PaymentClient,
  PaymentNotification,
  Prepay,
  Refund,
  RefundParams,
  RefundState,
  TradeState,
} from '@wxpay/core';
import type { TrackerBackend } from './backend.js';
import type { ReconcileOptions, ReconcileReport } from './reconcile/report.js';
import type { TrackerSchedule } from './schedule.js';

/** What a callback learns about its delivery. */
export interface DeliveryContext {
  /**
   * Stable idempotency key of this event (`<outTradeNo>:paid`, `<outTradeNo>:closed`,
   * `<outTradeNo>:failed`, `refund:<outRefundNo>`). A repeated call carries the same key.
   */
  readonly key: string;
  /** 1 on the first call for this key, counting calls that threw or were cut short by a crash. */
  readonly attempt: number;
}

/** A callback of the tracker. It may be called again with the same `ctx.key` (at-least-once). */
export type TrackerCallback<T> = (value: T, ctx: DeliveryContext) => unknown | Promise<unknown>;

/** The kinds of order the tracker follows: the payment kinds, plus payment-code charges. */
export type TrackedKind = OrderKind | 'micropay';

/** Redis connection of the BullMQ backend. */
export interface RedisBackendOptions {
  readonly host?: string;
  readonly port?: number;
  readonly password?: string;
  readonly db?: number;
  /** Key prefix of every key the tracker writes (default `wxpay`). */
  readonly prefix?: string;
  /** Orders one worker process handles at the same time (default 8). */
  readonly concurrency?: number;
  /**
   * How long a worker's claim on an order lasts without renewal, in ms (default 30 s). A
   * crashed worker's orders are picked up by another after about this long.
   */
  readonly lockDurationMs?: number;
  /**
   * How long a settled order or refund is kept, in ms (default 40 days, past any T+1
   * reconciliation). Open and failed ones are kept until they settle or are dealt with.
   */
  readonly retentionMs?: number;
}

/** Options of {@link createTracker}. */
export interface TrackerOptions {
  /** Any {@link PaymentClient}: v2, v3, the migration client or a sub-merchant view. */
  readonly client: PaymentClient;
  /**
   * Where tracked orders and their schedules live: omitted (or `'memory'`) for the embedded
   * in-memory backend, `{ redis }` for Redis via BullMQ, or a backend object.
   */
  readonly backend?: 'memory' | { readonly redis: RedisBackendOptions } | TrackerBackend;
  /** Overrides of the query schedule ({@link DEFAULT_SCHEDULE}). */
  readonly schedule?: Partial<TrackerSchedule>;
  /** The payer paid: deliver the goods. Called until it returns; deduplicate by `ctx.key`. */
  readonly onPaid: TrackerCallback<Order>;
  /** The order was closed unpaid (CLOSED) or reversed (REVOKED). */
  readonly onClosed?: TrackerCallback<Order>;
  /** A refund reached a final status: SUCCESS, CLOSED or ABNORMAL (read `refund.status`). */
  readonly onRefunded?: TrackerCallback<Refund>;
  /** The payment failed (PAYERROR). */
  readonly onFailed?: TrackerCallback<Order>;
  /** Receives structured events; never keys or bodies. */
  readonly logger?: Logger;
  /** Time source for decisions (expiry, schedule). Default: the system clock. */
  readonly clock?: Clock;
}

/** Where the tracker stands with one order. */
export type TrackingPhase =
  /** Still being driven: waiting for payment, closing, or delivering a callback. */
  | 'open'
  /** Final state reached and its callback delivered. */
  | 'settled'
  /** Stopped by a permanent error (see `lastError`); needs a person. */
  | 'failed';

/** A recorded error, without secrets. */
export interface TrackedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly at: number;
}

/** The tracker's view of one order ({@link Tracker.status}). */
export interface OrderStatus {
  readonly type: 'order';
  readonly outTradeNo: string;
  readonly kind: TrackedKind;
  readonly phase: TrackingPhase;
  /** Last state observed at WeChat Pay (or NOTPAY before the first observation). */
  readonly state: TradeState;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The amount the merchant expects, in fen, when known. */
  readonly expectedTotal?: number;
  /** The last order WeChat Pay reported, if any. */
  readonly order?: Order;
  /** Keys of the callbacks whose completion is recorded. */
  readonly delivered: readonly string[];
  readonly queries: number;
  readonly lastError?: TrackedError;
  /** When the order reached its final state, as the tracker saw it. */
  readonly settledAt?: Date;
  /** When the tracker works on it next (open orders). */
  readonly nextRunAt?: Date;
}

/** The tracker's view of one refund. */
export interface RefundStatus {
  readonly type: 'refund';
  readonly outRefundNo: string;
  readonly outTradeNo: string;
  readonly phase: TrackingPhase;
  readonly status: RefundState;
  readonly refund?: Refund;
  readonly delivered: readonly string[];
  readonly lastError?: TrackedError;
  readonly settledAt?: Date;
}

/** Counts of tracked items by phase. */
export interface TrackerSummary {
  readonly open: number;
  readonly settled: number;
  readonly failed: number;
}

/** Options of {@link Tracker.track}. */
export interface TrackOptions {
  /** When the merchant gives up: the order is closed (or reversed) at this time if unpaid. */
  readonly expiresAt: Date;
  readonly kind: TrackedKind;
  /** The amount the merchant expects, in fen (compared in reconciliation). */
  readonly expectedTotal?: number;
}

/** The result of {@link Tracker.notify}. */
export interface NotifyResult {
  /** False when the notification is about nothing this tracker follows. */
  readonly tracked: boolean;
}

/** An order tracker (see {@link createTracker}). */
export interface Tracker {
  /** Creates the order at WeChat Pay and tracks it (recorded first, so it cannot be lost). */
  createOrder(params: CreateOrderParams): Promise<Prepay>;
  /** Tracks an order created elsewhere; checks with WeChat Pay that it exists. */
  track(ref: { readonly outTradeNo: string }, options: TrackOptions): Promise<OrderStatus>;
  /** Requests a refund at WeChat Pay and tracks it to a final status. */
  refund(params: RefundParams): Promise<Refund>;
  /** Feeds a verified notification (the notification kernel's callback). */
  notify(notification: PaymentNotification): Promise<NotifyResult>;
  /** Starts working on due orders in this process. */
  start(): Promise<void>;
  /**
   * Stops gracefully: in-flight work finishes (or, with Redis, is handed back), then the
   * connections close. Final: make a new tracker to start again.
   */
  stop(): Promise<void>;
  /** The tracker's view of an order (or a refund with `{ outRefundNo }`); undefined if unknown. */
  status(
    ref: { readonly outTradeNo: string } | { readonly outRefundNo: string },
  ): Promise<OrderStatus | RefundStatus | undefined>;
  /** Counts of tracked items by phase. */
  summary(): Promise<TrackerSummary>;
  /** Compares the trade bill of `billDate` with the tracked orders (T+1 reconciliation). */
  reconcile(options: ReconcileOptions): Promise<ReconcileReport>;
}
