import { InvalidStateTransitionError } from './errors.js';

/**
 * The eight trade states WeChat Pay reports, identical in v2 (`trade_state`) and v3.
 */
export const TRADE_STATES = [
  'SUCCESS',
  'REFUND',
  'NOTPAY',
  'CLOSED',
  'REVOKED',
  'USERPAYING',
  'PAYERROR',
  'ACCEPT',
] as const;

/** One of {@link TRADE_STATES}. */
export type TradeState = (typeof TRADE_STATES)[number];

const TRADE_STATE_SET: ReadonlySet<string> = new Set(TRADE_STATES);

/** Narrows an arbitrary string (for example a wire value) to a {@link TradeState}. */
export function isTradeState(value: unknown): value is TradeState {
  return typeof value === 'string' && TRADE_STATE_SET.has(value);
}

// docs/protocol/trade-states.md. Kept as data so tests can walk every cell of the table.
const TRANSITIONS: Readonly<Record<TradeState, readonly TradeState[]>> = {
  NOTPAY: ['USERPAYING', 'ACCEPT', 'SUCCESS', 'PAYERROR', 'CLOSED', 'REVOKED'],
  USERPAYING: ['SUCCESS', 'PAYERROR', 'CLOSED', 'REVOKED'],
  ACCEPT: ['SUCCESS', 'PAYERROR'],
  SUCCESS: ['REFUND', 'REVOKED'],
  PAYERROR: ['REVOKED'],
  REFUND: [],
  CLOSED: [],
  REVOKED: [],
};

/**
 * The legal successors of each state (not including the state itself).
 * Same-state observations are always allowed by {@link canTransition}.
 */
export const TRADE_STATE_TRANSITIONS: Readonly<Record<TradeState, readonly TradeState[]>> =
  TRANSITIONS;

const TERMINAL: ReadonlySet<TradeState> = new Set([
  'SUCCESS',
  'REFUND',
  'CLOSED',
  'REVOKED',
  'PAYERROR',
]);

/**
 * True when the payment outcome is settled: SUCCESS, REFUND, CLOSED, REVOKED, PAYERROR.
 * SUCCESS and PAYERROR may still move (to REFUND / REVOKED) but polling can stop there.
 */
export function isTerminal(state: TradeState): boolean {
  return TERMINAL.has(state);
}

/** True when an order observed in `from` may next be observed in `to`. Same state is a no-op. */
export function canTransition(from: TradeState, to: TradeState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/**
 * Returns `to` when the move is legal, else throws {@link InvalidStateTransitionError}.
 * Use it to apply observed states to a stored order so a late SUCCESS never revives a REFUND.
 */
export function transition(from: TradeState, to: TradeState): TradeState {
  if (!canTransition(from, to)) throw new InvalidStateTransitionError(from, to);
  return to;
}

/**
 * What a merchant should do next with an order in a given state:
 * - `poll`: the outcome is pending; wait for the notification or query again later.
 * - `close`: the order is unpaid and the merchant wants to abandon it; close it
 *   (at least 5 minutes after creation), then treat ORDERPAID on close as a payment.
 * - `reverse`: a payment-code (micropay) charge is stuck; reverse it.
 * - `fulfil`: the payer paid; deliver the goods (idempotently).
 * - `done`: nothing left to do for this order; a retry needs a new out_trade_no.
 */
export type TradeStateAction = 'poll' | 'close' | 'reverse' | 'fulfil' | 'done';

/** Options for {@link nextAction}. */
export interface NextActionOptions {
  /** The merchant has given up waiting (for example the checkout expired). */
  readonly abandon?: boolean;
  /** The order is a payment-code (micropay) order, which is reversed rather than closed. */
  readonly micropay?: boolean;
}

/** Tells a caller what to do with an order observed in `state`. */
export function nextAction(state: TradeState, options: NextActionOptions = {}): TradeStateAction {
  switch (state) {
    case 'SUCCESS':
      return 'fulfil';
    case 'REFUND':
    case 'CLOSED':
    case 'REVOKED':
    case 'PAYERROR':
      return 'done';
    case 'NOTPAY':
      if (!options.abandon) return 'poll';
      return options.micropay ? 'reverse' : 'close';
    case 'USERPAYING':
    case 'ACCEPT':
      // The payer is mid-payment; closing now races the debit. Micropay may be reversed.
      return options.abandon && options.micropay ? 'reverse' : 'poll';
  }
}

/** The neutral refund states (v3 names; v2 REFUNDCLOSE → CLOSED, CHANGE → ABNORMAL). */
export const REFUND_STATES = ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'] as const;

/** One of {@link REFUND_STATES}. */
export type RefundState = (typeof REFUND_STATES)[number];
