import { CONTROL_FAULT_KINDS } from '../control-fault-kinds.js';
import {
  type NotificationAttempt,
  type NotificationTarget,
  targetOf,
} from '../notification-log.js';
import type { SimulatedOrder, SimulatedRefund, StateStep } from '../order-store.js';
import { pickFields, presentFields } from '../present-fields.js';
import type { DashboardSource } from './dashboard-source.js';

/** How many of the newest orders, notifications and requests the overview lists. */
export const OVERVIEW_LIMIT = 100;
/** How many characters of a merchant's answer to a notification the overview keeps. */
const ANSWER_CHARS = 300;

/** A refund as the dashboard shows it. */
export interface RefundView {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly refund: number;
  readonly total: number;
  readonly status: string;
  readonly via: 'v2' | 'v3';
  readonly createdAt: number;
  readonly successAt?: number;
  readonly history: readonly StateStep[];
}

/** An order as the dashboard shows it (no creation fingerprint, no signing details). */
export interface OrderView {
  readonly outTradeNo: string;
  /** Partner mode: the sub-merchant the order is for (its numbers are that sub-merchant's). */
  readonly subMchId?: string;
  readonly via: 'v2' | 'v3';
  readonly tradeType: string;
  readonly state: string;
  readonly stateDescription?: string;
  readonly description: string;
  readonly total: number;
  readonly currency: string;
  readonly codeUrl?: string;
  readonly transactionId?: string;
  readonly bankType?: string;
  readonly coupons: ReadonlyArray<{ readonly type: string; readonly amount: number }>;
  readonly notifyUrl?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly paidAt?: number;
  readonly history: readonly StateStep[];
  readonly refunds: readonly RefundView[];
}

/** One notification with every delivery attempt. */
export interface DeliveryView extends NotificationTarget {
  readonly acknowledged: boolean;
  readonly attempts: ReadonlyArray<{
    readonly attempt: number;
    readonly at: number;
    readonly status?: number;
    readonly answer?: string;
    readonly error?: string;
    readonly acknowledged: boolean;
  }>;
}

/** Everything the dashboard page shows, as served by `GET /__sim/overview`. */
export interface DashboardOverview {
  readonly now: number;
  readonly merchant: {
    readonly mchId: string;
    readonly appId: string;
    readonly certificateSerial: string;
    readonly publicKeyId: string;
    /** The secrets, masked: only their last four characters. */
    readonly apiKey: string;
    readonly apiV3Key: string;
  };
  /** How many there are in all (the lists below hold the newest {@link OVERVIEW_LIMIT}). */
  readonly totals: {
    readonly orders: number;
    readonly deliveries: number;
    readonly requests: number;
  };
  /** Newest first. */
  readonly orders: readonly OrderView[];
  /** Newest first. */
  readonly deliveries: readonly DeliveryView[];
  /** Newest first, without headers or bodies. */
  readonly requests: ReadonlyArray<{
    readonly protocol: 'v2' | 'v3';
    readonly method: string;
    readonly path: string;
    readonly status?: number;
    readonly fault?: string;
    readonly at: number;
  }>;
  /** The fault kinds the page offers: those `POST /__sim/faults` accepts. */
  readonly faultKinds: readonly string[];
  readonly pendingFaults: ReadonlyArray<{
    readonly kind: string;
    readonly protocol?: string;
    readonly path?: string;
  }>;
}

/** Shows that a secret exists without showing it. */
export function maskSecret(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

/** A snapshot of the simulator for the dashboard: no keys, signatures or message bodies. */
export function buildOverview(sim: DashboardSource): DashboardOverview {
  const m = sim.merchant;
  const orders = sim.store.all();
  const notified = deliveries(sim.notifications.attempts);
  return {
    now: sim.now(),
    merchant: {
      mchId: m.mchId,
      appId: m.appId,
      certificateSerial: m.certificateSerial,
      publicKeyId: m.wechatpayPublicKey.id,
      apiKey: maskSecret(m.apiKey),
      apiV3Key: maskSecret(m.apiV3Key),
    },
    totals: {
      orders: orders.length,
      deliveries: notified.length,
      requests: sim.requests.length,
    },
    orders: orders
      .slice(-OVERVIEW_LIMIT)
      .reverse()
      .map((o) => orderView(sim, o)),
    deliveries: notified.slice(-OVERVIEW_LIMIT).reverse(),
    requests: sim.requests
      .slice(-OVERVIEW_LIMIT)
      .reverse()
      .map((r) => ({
        protocol: r.protocol,
        method: r.method,
        path: r.path,
        ...presentFields({ status: r.status, fault: r.fault }),
        at: r.at,
      })),
    faultKinds: CONTROL_FAULT_KINDS,
    pendingFaults: sim.faults.pending.map((f) => ({
      kind: f.kind,
      ...presentFields({
        protocol: f.protocol,
        path: f.path === undefined ? undefined : String(f.path),
      }),
    })),
  };
}

// The fields the dashboard shows, listed so that a new stored field stays off the page.
const ORDER_FIELDS = [
  'outTradeNo',
  'via',
  'tradeType',
  'state',
  'description',
  'total',
  'currency',
  'createdAt',
  'expiresAt',
] as const;
const OPTIONAL_ORDER_FIELDS = [
  'stateDescription',
  'codeUrl',
  'transactionId',
  'bankType',
  'notifyUrl',
  'paidAt',
] as const;
const REFUND_FIELDS = ['outRefundNo', 'refundId', 'refund', 'total', 'status', 'via'] as const;

function orderView(sim: DashboardSource, o: SimulatedOrder): OrderView {
  return {
    ...pickFields(o, ORDER_FIELDS),
    ...presentFields(pickFields(o, OPTIONAL_ORDER_FIELDS)),
    ...presentFields({ subMchId: o.partner?.subMchId }),
    coupons: o.coupons.map((c) => ({ type: c.type, amount: c.amount })),
    history: sim.store.history(o),
    refunds: o.refunds.map((r) => refundView(sim, r)),
  };
}

function refundView(sim: DashboardSource, r: SimulatedRefund): RefundView {
  return {
    ...pickFields(r, REFUND_FIELDS),
    createdAt: r.createdAt,
    ...presentFields({ successAt: r.successAt }),
    history: sim.store.history(r),
  };
}

function deliveries(attempts: readonly NotificationAttempt[]): DeliveryView[] {
  const byId = new Map<string, { first: NotificationAttempt; list: NotificationAttempt[] }>();
  for (const a of attempts) {
    const entry = byId.get(a.id);
    if (entry) entry.list.push(a);
    else byId.set(a.id, { first: a, list: [a] });
  }
  return [...byId.values()].map(({ first, list }) => ({
    ...targetOf(first),
    acknowledged: list.some((a) => a.acknowledged),
    attempts: list.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      ...(a.status !== undefined ? { status: a.status } : {}),
      ...(a.responseBody !== undefined ? { answer: a.responseBody.slice(0, ANSWER_CHARS) } : {}),
      ...(a.error ? { error: a.error } : {}),
      acknowledged: a.acknowledged,
    })),
  }));
}
