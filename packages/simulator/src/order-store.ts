import { type RefundState, type TradeState, transition } from '@wxpay/core';
import type { ChangeFeed } from './change-feed.js';
import type { PartnerOrderInfo } from './partner/sub-merchants.js';
import type { V2SignType } from './v2/sign.js';

/** A coupon applied when the simulated payer pays. */
export interface SimulatedCoupon {
  /** Coupon id (default: generated). */
  readonly id: string;
  /** `CASH` (top-up funded) or `NOCASH` (v2 `NO_CASH`, reduces the settlement amount). */
  readonly type: 'CASH' | 'NOCASH';
  /** Amount in fen. */
  readonly amount: number;
  readonly name?: string;
}

/** WeChat Pay trade types the simulator issues. */
export type SimulatedTradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB' | 'MICROPAY';

/** A refund as the simulator stores it. */
export interface SimulatedRefund {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly refund: number;
  readonly total: number;
  readonly currency: string;
  readonly reason?: string;
  readonly notifyUrl?: string;
  status: RefundState;
  readonly createdAt: number;
  successAt?: number;
  /** Protocol the refund was requested through (decides the notification format). */
  readonly via: 'v2' | 'v3';
}

/** An order as the simulator stores it (shared by v2 and v3). */
export interface SimulatedOrder {
  readonly mchId: string;
  readonly appId: string;
  readonly outTradeNo: string;
  readonly tradeType: SimulatedTradeType;
  state: TradeState;
  /** Extra description for PAYERROR etc. */
  stateDescription?: string;
  readonly description: string;
  readonly total: number;
  readonly currency: string;
  openid?: string;
  readonly attach?: string;
  readonly notifyUrl?: string;
  readonly clientIp?: string;
  readonly deviceInfo?: string;
  readonly prepayId?: string;
  readonly codeUrl?: string;
  readonly h5Url?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  transactionId?: string;
  paidAt?: number;
  bankType?: string;
  coupons: SimulatedCoupon[];
  /** Protocol of the creating request (decides the payment notification format). */
  readonly via: 'v2' | 'v3';
  /** Canonical text of the creating parameters (re-submits must match it). */
  readonly fingerprint: string;
  /** v2 sign type of the creating request; notifications are signed with it. */
  readonly signType: V2SignType;
  /** v3 `Wechatpay-Serial` of the creating request, so notifications use a key the client knows. */
  readonly notifySerial?: string;
  readonly refunds: SimulatedRefund[];
  /** Partner mode: the sub-merchant the order is for (set when the order is created). */
  readonly partner?: PartnerOrderInfo;
}

/**
 * Among whose numbers an `out_trade_no` or `out_refund_no` is looked up: a merchant's own, or
 * those of one sub-merchant of a service provider. Live WeChat Pay keeps them apart, so two
 * sub-merchants may each have an order "A1" (docs/protocol/partner.md).
 */
export interface OrderScope {
  readonly mchId: string;
  /** The sub-merchant (partner mode); undefined for the merchant's own orders. */
  readonly subMchId?: string | undefined;
}

/**
 * Picks one order or refund by number when several scopes may hold it (scenario controls):
 * `subMchId` names a sub-merchant, `null` the merchant's own, absent means "the only one".
 */
export interface OrderSelector {
  readonly subMchId?: string | null;
}

/** The scope an order's numbers belong to. */
export function scopeOf(order: SimulatedOrder): OrderScope {
  return { mchId: order.mchId, subMchId: order.partner?.subMchId };
}

/** One entry of an order's or refund's state history. */
export interface StateStep {
  readonly state: TradeState | RefundState;
  /** Simulator time (ms) the state was entered. */
  readonly at: number;
}

const sameScope = (order: SimulatedOrder, scope: OrderScope): boolean =>
  order.mchId === scope.mchId && order.partner?.subMchId === scope.subMchId;

const selected = (order: SimulatedOrder, select: OrderSelector): boolean =>
  select.subMchId === undefined || (order.partner?.subMchId ?? null) === select.subMchId;

/**
 * The in-memory order book, keyed by (mchid, sub-merchant or none, out_trade_no) and refunds by
 * (mchid, sub-merchant or none, out_refund_no). Every state change goes through core's `transition`.
 */
export class OrderStore {
  readonly #orders = new Map<string, SimulatedOrder>();
  readonly #byTransaction = new Map<string, SimulatedOrder>();
  readonly #refunds = new Map<string, SimulatedRefund>();
  readonly #refundOrder = new WeakMap<SimulatedRefund, SimulatedOrder>();
  // Orders and refunds by bare number, for the scenario controls (which may name no scope).
  readonly #ordersByNo = new Map<string, SimulatedOrder[]>();
  readonly #refundsByNo = new Map<string, SimulatedRefund[]>();
  // Keyed by the stored object itself, so orders of different merchants never mix.
  readonly #history = new WeakMap<SimulatedOrder | SimulatedRefund, StateStep[]>();

  constructor(
    private readonly now: () => number,
    private readonly feed?: ChangeFeed,
  ) {}

  /** The states an order or refund went through, oldest first. */
  history(entry: SimulatedOrder | SimulatedRefund): readonly StateStep[] {
    return this.#history.get(entry) ?? [];
  }

  #record(
    entry: SimulatedOrder | SimulatedRefund,
    state: TradeState | RefundState,
    at = this.now(),
  ): void {
    const steps = this.#history.get(entry) ?? [];
    steps.push({ state, at });
    this.#history.set(entry, steps);
  }

  #key(scope: OrderScope, no: string): string {
    return `${scope.mchId}\u0000${scope.subMchId ?? ''}\u0000${no}`;
  }

  /** All orders, oldest first. */
  all(): SimulatedOrder[] {
    return [...this.#orders.values()].map((o) => this.#refresh(o));
  }

  add(order: SimulatedOrder): void {
    this.#orders.set(this.#key(scopeOf(order), order.outTradeNo), order);
    pushTo(this.#ordersByNo, order.outTradeNo, order);
    this.#record(order, order.state);
    this.feed?.emit({ kind: 'order', outTradeNo: order.outTradeNo });
  }

  /** The order with this number in `scope`. */
  get(scope: OrderScope, outTradeNo: string): SimulatedOrder | undefined {
    const order = this.#orders.get(this.#key(scope, outTradeNo));
    return order && this.#refresh(order);
  }

  /**
   * The order the control surface names: by number and, when several scopes hold that number,
   * by `select` (throws when it stays ambiguous).
   */
  find(outTradeNo: string, select: OrderSelector = {}): SimulatedOrder | undefined {
    const found = only(this.#ordersByNo.get(outTradeNo), select, (o) => o, `order ${outTradeNo}`);
    return found && this.#refresh(found);
  }

  /** The order with this transaction id, if it is in `scope` (ids are global, numbers are not). */
  byTransactionId(scope: OrderScope, transactionId: string): SimulatedOrder | undefined {
    const order = this.#byTransaction.get(transactionId);
    return order && sameScope(order, scope) ? this.#refresh(order) : undefined;
  }

  /** The refund with this number in `scope`. */
  refund(scope: OrderScope, outRefundNo: string): SimulatedRefund | undefined {
    return this.#refunds.get(this.#key(scope, outRefundNo));
  }

  /** The refund the control surface names (see {@link OrderStore.find}). */
  findRefund(outRefundNo: string, select: OrderSelector = {}): SimulatedRefund | undefined {
    const list = this.#refundsByNo.get(outRefundNo);
    return only(list, select, (r) => this.orderOf(r), `refund ${outRefundNo}`);
  }

  /** The refund with this WeChat Pay refund id, if it is in `scope`. */
  refundById(scope: OrderScope, refundId: string): SimulatedRefund | undefined {
    for (const r of this.#refunds.values()) {
      if (r.refundId === refundId && sameScope(this.orderOf(r), scope)) return r;
    }
    return undefined;
  }

  /** The order a refund belongs to. */
  orderOf(refund: SimulatedRefund): SimulatedOrder {
    const order = this.#refundOrder.get(refund);
    if (!order) throw new Error(`simulator: refund ${refund.outRefundNo} has no order`);
    return order;
  }

  addRefund(order: SimulatedOrder, refund: SimulatedRefund): void {
    order.refunds.push(refund);
    this.#refunds.set(this.#key(scopeOf(order), refund.outRefundNo), refund);
    this.#refundOrder.set(refund, order);
    pushTo(this.#refundsByNo, refund.outRefundNo, refund);
    this.#record(refund, refund.status);
    this.feed?.emit({ kind: 'refund', outTradeNo: order.outTradeNo });
  }

  /** All refunds, oldest first. */
  allRefunds(): SimulatedRefund[] {
    return [...this.#refunds.values()];
  }

  /** Moves an order through core's state machine (throws InvalidStateTransitionError). */
  move(order: SimulatedOrder, to: TradeState, at = this.now()): void {
    order.state = transition(order.state, to);
    this.#record(order, order.state, at);
    this.feed?.emit({ kind: 'order', outTradeNo: order.outTradeNo });
  }

  /** Finishes a PROCESSING refund (the caller checked it is PROCESSING). */
  settleRefund(refund: SimulatedRefund, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): void {
    refund.status = status;
    if (status === 'SUCCESS') refund.successAt = this.now();
    this.#record(refund, status);
    this.feed?.emit({ kind: 'refund', outTradeNo: refund.outTradeNo });
  }

  assignTransactionId(order: SimulatedOrder, transactionId: string): void {
    order.transactionId = transactionId;
    this.#byTransaction.set(transactionId, order);
  }

  // Unpaid orders close themselves when their time_expire passes, as at WeChat Pay.
  #refresh(order: SimulatedOrder): SimulatedOrder {
    if (
      (order.state === 'NOTPAY' || order.state === 'USERPAYING') &&
      this.now() > order.expiresAt
    ) {
      // Closed lazily, when next looked at; the history says when it expired.
      this.move(order, 'CLOSED', order.expiresAt);
    }
    return order;
  }
}

function pushTo<T>(index: Map<string, T[]>, no: string, entry: T): void {
  const list = index.get(no);
  if (list) list.push(entry);
  else index.set(no, [entry]);
}

/** The one entry `select` leaves of those with one number; throws when several are left. */
function only<T>(
  list: readonly T[] | undefined,
  select: OrderSelector,
  orderOf: (entry: T) => SimulatedOrder,
  what: string,
): T | undefined {
  const left = (list ?? []).filter((e) => selected(orderOf(e), select));
  if (left.length > 1) {
    const subs = left.map((e) => orderOf(e).partner?.subMchId ?? 'the merchant itself');
    throw new Error(
      `simulator: ${what} exists for several sub-merchants (${subs.join(', ')}); name subMchId`,
    );
  }
  return left[0];
}
