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
  /** Partner mode: the sub-merchant the order is for (set by the partner endpoints). */
  partner?: PartnerOrderInfo;
}

/** One entry of an order's or refund's state history. */
export interface StateStep {
  readonly state: TradeState | RefundState;
  /** Simulator time (ms) the state was entered. */
  readonly at: number;
}

/** The in-memory order book, keyed by (mchid, out_trade_no). Every state change goes through core's `transition`. */
export class OrderStore {
  readonly #orders = new Map<string, SimulatedOrder>();
  readonly #byTransaction = new Map<string, SimulatedOrder>();
  readonly #refunds = new Map<string, SimulatedRefund>();
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

  #key(mchId: string, outTradeNo: string): string {
    return `${mchId}\u0000${outTradeNo}`;
  }

  /** All orders, oldest first. */
  all(): SimulatedOrder[] {
    return [...this.#orders.values()].map((o) => this.#refresh(o));
  }

  add(order: SimulatedOrder): void {
    this.#orders.set(this.#key(order.mchId, order.outTradeNo), order);
    this.#record(order, order.state);
    this.feed?.emit({ kind: 'order', outTradeNo: order.outTradeNo });
  }

  get(mchId: string, outTradeNo: string): SimulatedOrder | undefined {
    const order = this.#orders.get(this.#key(mchId, outTradeNo));
    return order && this.#refresh(order);
  }

  /** The single-merchant lookup the control surface uses. */
  find(outTradeNo: string): SimulatedOrder | undefined {
    for (const order of this.#orders.values()) {
      if (order.outTradeNo === outTradeNo) return this.#refresh(order);
    }
    return undefined;
  }

  byTransactionId(mchId: string, transactionId: string): SimulatedOrder | undefined {
    const order = this.#byTransaction.get(transactionId);
    return order && order.mchId === mchId ? this.#refresh(order) : undefined;
  }

  refund(outRefundNo: string): SimulatedRefund | undefined {
    return this.#refunds.get(outRefundNo);
  }

  refundById(refundId: string): SimulatedRefund | undefined {
    for (const r of this.#refunds.values()) if (r.refundId === refundId) return r;
    return undefined;
  }

  addRefund(order: SimulatedOrder, refund: SimulatedRefund): void {
    order.refunds.push(refund);
    this.#refunds.set(refund.outRefundNo, refund);
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
