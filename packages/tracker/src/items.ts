import type { Order, Refund, RefundState, TradeState } from '@wxpay/core';
import { beijingDay } from './beijing-day.js';
import type { TrackedError, TrackedKind, TrackingPhase } from './types.js';

/** What the tracker keeps about any item, order or refund: its progress and its callbacks. */
export interface TrackedProgress {
  readonly createdAt: number;
  phase: TrackingPhase;
  queries: number;
  /** Consecutive failures (transient errors or callbacks that threw). */
  failures: number;
  lastError?: TrackedError;
  delivered: string[];
  /** Calls started per callback key, counted before the call, so a crash counts too. */
  attempts: Record<string, number>;
  settledAt?: number;
  nextRunAt?: number;
}

/**
 * A tracked order as a backend stores it: plain JSON (times in ms), so the Redis backend can
 * keep it as a string and every worker reads the same thing.
 */
export interface OrderItem extends TrackedProgress {
  readonly type: 'order';
  readonly id: string;
  readonly outTradeNo: string;
  readonly kind: TrackedKind;
  readonly expiresAt: number;
  readonly expectedTotal?: number;
  /** True while the order's creation at WeChat Pay has not been confirmed. */
  unconfirmed?: boolean;
  state: TradeState;
  order?: StoredOrder;
}

/** A tracked refund as a backend stores it. */
export interface RefundItem extends TrackedProgress {
  readonly type: 'refund';
  readonly id: string;
  readonly outRefundNo: string;
  readonly outTradeNo: string;
  status: RefundState;
  refund?: StoredRefund;
}

/** Anything a backend stores. */
export type TrackedItem = OrderItem | RefundItem;

/** An {@link Order} with its dates as ms, safe to put through JSON. */
export type StoredOrder = Omit<Order, 'successTime'> & { readonly successTime?: number };
/** A {@link Refund} with its dates as ms. */
export type StoredRefund = Omit<Refund, 'createTime' | 'successTime'> & {
  readonly createTime?: number;
  readonly successTime?: number;
};

/** Backend id of an order. */
export const orderId = (outTradeNo: string): string => `order:${outTradeNo}`;
/** Backend id of a refund. */
export const refundId = (outRefundNo: string): string => `refund:${outRefundNo}`;

export function storeOrder(order: Order): StoredOrder {
  const { successTime, ...rest } = order;
  return successTime ? { ...rest, successTime: successTime.getTime() } : rest;
}

export function loadOrder(stored: StoredOrder): Order {
  const { successTime, ...rest } = stored;
  return successTime === undefined ? rest : { ...rest, successTime: new Date(successTime) };
}

export function storeRefund(refund: Refund): StoredRefund {
  const { createTime, successTime, ...rest } = refund;
  return {
    ...rest,
    ...(createTime ? { createTime: createTime.getTime() } : {}),
    ...(successTime ? { successTime: successTime.getTime() } : {}),
  };
}

export function loadRefund(stored: StoredRefund): Refund {
  const { createTime, successTime, ...rest } = stored;
  return {
    ...rest,
    ...(createTime !== undefined ? { createTime: new Date(createTime) } : {}),
    ...(successTime !== undefined ? { successTime: new Date(successTime) } : {}),
  };
}

/** Records an error without its cause or raw body (which might echo request data). */
export function describeError(error: unknown, at: number): TrackedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      at,
    };
  }
  return { name: 'Error', message: String(error), at };
}

/** The Beijing day an item belongs to in the trade bill: payment day of an order, success day of a refund. */
export function billDayOf(item: TrackedItem): string | undefined {
  if (item.type === 'order') {
    const paid = item.state === 'SUCCESS' || item.state === 'REFUND';
    const at = item.order?.successTime;
    return paid && at !== undefined ? beijingDay(at) : undefined;
  }
  const at = item.refund?.successTime ?? item.settledAt;
  return item.status === 'SUCCESS' && at !== undefined ? beijingDay(at) : undefined;
}
