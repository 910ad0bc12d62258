import {
  canTransition,
  type Order,
  TRADE_STATE_TRANSITIONS,
  type TradeState,
  transition,
} from '@wxpay/core';
import { type OrderItem, storeOrder } from './items.js';

// The shortest chain of legal moves from one state to another (e.g. NOTPAY → SUCCESS → REFUND
// when the SUCCESS in between was never seen), or undefined when none exists.
function pathTo(from: TradeState, to: TradeState): TradeState[] | undefined {
  const queue: TradeState[][] = [[from]];
  const seen = new Set<TradeState>([from]);
  while (queue.length > 0) {
    const path = queue.shift() ?? [];
    const last = path[path.length - 1] ?? from;
    for (const next of TRADE_STATE_TRANSITIONS[last]) {
      if (seen.has(next)) continue;
      if (next === to) return [...path.slice(1), next];
      seen.add(next);
      queue.push([...path, next]);
    }
  }
  return undefined;
}

/**
 * Applies what WeChat Pay reported to a tracked order. Every move goes through core's
 * `transition`; states skipped between two observations are walked through in order. An
 * observation that cannot follow the stored state (a late notification of an earlier state)
 * is ignored and false returned.
 */
export function observeOrder(item: OrderItem, order: Order): boolean {
  if (order.outTradeNo !== item.outTradeNo) return false;
  if (!canTransition(item.state, order.state)) {
    const path = pathTo(item.state, order.state);
    if (!path) return false;
    for (const state of path) item.state = transition(item.state, state);
  } else {
    item.state = transition(item.state, order.state);
  }
  item.order = storeOrder(order);
  return true;
}
