import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStateTransitionError } from '../src/errors.js';
import {
  canTransition,
  isTerminal,
  isTradeState,
  nextAction,
  TRADE_STATES,
  type TradeState,
  transition,
} from '../src/trade-state.js';

// The table of docs/protocol/trade-states.md, written out independently of the implementation's data.
const LEGAL = new Set([
  'NOTPAY>USERPAYING',
  'NOTPAY>ACCEPT',
  'NOTPAY>SUCCESS',
  'NOTPAY>PAYERROR',
  'NOTPAY>CLOSED',
  'NOTPAY>REVOKED',
  'USERPAYING>SUCCESS',
  'USERPAYING>PAYERROR',
  'USERPAYING>CLOSED',
  'USERPAYING>REVOKED',
  'ACCEPT>SUCCESS',
  'ACCEPT>PAYERROR',
  'SUCCESS>REFUND',
  'SUCCESS>REVOKED',
  'PAYERROR>REVOKED',
]);
/** Every (from, to) pair of states: the whole table, legal cells and illegal ones. */
const CELLS = TRADE_STATES.flatMap((from) => TRADE_STATES.map((to) => [from, to] as const));

describe('trade-state machine', () => {
  it('has exactly the eight WeChat Pay states', () => {
    expect([...TRADE_STATES].sort()).toEqual(
      [
        'ACCEPT',
        'CLOSED',
        'NOTPAY',
        'PAYERROR',
        'REFUND',
        'REVOKED',
        'SUCCESS',
        'USERPAYING',
      ].sort(),
    );
  });

  it.each(CELLS)('%s -> %s follows the table', (from, to) => {
    const legal = from === to || LEGAL.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(legal);
    if (legal) {
      expect(transition(from, to)).toBe(to);
    } else {
      expect(() => transition(from, to)).toThrow(InvalidStateTransitionError);
      try {
        transition(from, to);
      } catch (error) {
        expect(InvalidStateTransitionError.isInstance(error)).toBe(true);
        expect((error as InvalidStateTransitionError).from).toBe(from);
        expect((error as InvalidStateTransitionError).to).toBe(to);
      }
    }
  });

  it('marks the settled states terminal', () => {
    const terminal = TRADE_STATES.filter(isTerminal).sort();
    expect(terminal).toEqual(['CLOSED', 'PAYERROR', 'REFUND', 'REVOKED', 'SUCCESS']);
  });

  it('absorbing states have no way out', () => {
    for (const state of ['REFUND', 'CLOSED', 'REVOKED'] as const) {
      for (const to of TRADE_STATES) expect(canTransition(state, to)).toBe(to === state);
    }
  });

  it('recognises wire values', () => {
    expect(isTradeState('SUCCESS')).toBe(true);
    expect(isTradeState('success')).toBe(false);
    expect(isTradeState('PAYING')).toBe(false);
    expect(isTradeState(undefined)).toBe(false);
  });

  const state = fc.constantFrom(...TRADE_STATES);

  it('any walk of legal moves never leaves a terminal state for a non-terminal one', () => {
    fc.assert(
      fc.property(state, fc.array(state, { maxLength: 20 }), (start, attempts) => {
        let current: TradeState = start;
        for (const next of attempts) {
          if (!canTransition(current, next)) continue;
          const before = current;
          current = transition(current, next);
          if (isTerminal(before)) expect(isTerminal(current)).toBe(true);
        }
      }),
    );
  });

  it('every legal walk is acyclic apart from self-loops (no state is revisited)', () => {
    fc.assert(
      fc.property(state, fc.array(state, { maxLength: 20 }), (start, attempts) => {
        const seen = new Set<TradeState>([start]);
        let current: TradeState = start;
        for (const next of attempts) {
          if (next === current || !canTransition(current, next)) continue;
          current = transition(current, next);
          expect(seen.has(current)).toBe(false);
          seen.add(current);
        }
      }),
    );
  });

  it('transition throws exactly when canTransition is false', () => {
    fc.assert(
      fc.property(state, state, (from, to) => {
        let threw = false;
        try {
          transition(from, to);
        } catch {
          threw = true;
        }
        expect(threw).toBe(!canTransition(from, to));
      }),
    );
  });
});

describe('nextAction', () => {
  it('tells the caller what to do in each state', () => {
    expect(nextAction('NOTPAY')).toBe('poll');
    expect(nextAction('NOTPAY', { abandon: true })).toBe('close');
    expect(nextAction('NOTPAY', { abandon: true, micropay: true })).toBe('reverse');
    expect(nextAction('USERPAYING')).toBe('poll');
    expect(nextAction('USERPAYING', { abandon: true })).toBe('poll');
    expect(nextAction('USERPAYING', { abandon: true, micropay: true })).toBe('reverse');
    expect(nextAction('ACCEPT')).toBe('poll');
    expect(nextAction('SUCCESS')).toBe('fulfil');
    for (const s of ['REFUND', 'CLOSED', 'REVOKED', 'PAYERROR'] as const)
      expect(nextAction(s)).toBe('done');
  });

  it('never says poll for a terminal state, nor done for a pending one', () => {
    for (const s of TRADE_STATES) {
      const action = nextAction(s);
      expect(action === 'poll').toBe(!isTerminal(s));
    }
  });
});
