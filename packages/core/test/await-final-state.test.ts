import { describe, expect, it } from 'vitest';
import { awaitFinalState } from '../src/await-final-state.js';
import { AbortedError, OrderNotFoundError, SystemError, TimeoutError } from '../src/errors.js';
import type { TradeState } from '../src/trade-state.js';
import type { Order, OrderRef } from '../src/types.js';

const order = (state: TradeState): Order => ({
  outTradeNo: 'ORDER_0001',
  state,
  amount: {},
  promotions: [],
  raw: {},
});

/** A scripted queryOrder: returns (or throws) the next item each call. */
function scripted(items: (TradeState | Error)[]) {
  const calls: OrderRef[] = [];
  return {
    calls,
    async queryOrder(ref: OrderRef) {
      calls.push(ref);
      const next = items[Math.min(calls.length - 1, items.length - 1)]!;
      if (next instanceof Error) throw next;
      return order(next);
    },
  };
}

// Simulated time: sleeping advances the clock instead of waiting.
function fakeTime() {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe('awaitFinalState', () => {
  it('polls with growing intervals until a terminal state', async () => {
    const client = scripted([
      'USERPAYING',
      'USERPAYING',
      new SystemError('busy', { code: 'SYSTEMERROR' }),
      'USERPAYING',
      'SUCCESS',
    ]);
    const time = fakeTime();
    const seen: TradeState[] = [];
    const result = await awaitFinalState(
      client,
      { outTradeNo: 'ORDER_0001' },
      {
        ...time,
        initialIntervalMs: 1_000,
        maxIntervalMs: 4_000,
        onPoll: (o) => seen.push(o.state),
      },
    );
    expect(result.state).toBe('SUCCESS');
    expect(client.calls).toHaveLength(5);
    expect(time.waits).toEqual([1_000, 2_000, 4_000, 4_000]);
    expect(seen).toEqual(['USERPAYING', 'USERPAYING', 'USERPAYING', 'SUCCESS']);
  });

  it('returns at once for a state that is already settled', async () => {
    for (const state of ['SUCCESS', 'CLOSED', 'PAYERROR', 'REVOKED', 'REFUND'] as const) {
      const client = scripted([state]);
      expect((await awaitFinalState(client, { transactionId: '4200' }, fakeTime())).state).toBe(
        state,
      );
      expect(client.calls).toHaveLength(1);
    }
  });

  it('throws TimeoutError naming the last state when time runs out', async () => {
    const client = scripted(['NOTPAY']);
    const time = fakeTime();
    const error = await awaitFinalState(
      client,
      { outTradeNo: 'ORDER_0001' },
      { ...time, timeoutMs: 10_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('NOTPAY');
    expect(time.now()).toBe(10_000);
  });

  it('rethrows non-retryable errors and honours abort', async () => {
    const notFound = new OrderNotFoundError('missing', { code: 'ORDERNOTEXIST' });
    await expect(
      awaitFinalState(scripted([notFound]), { outTradeNo: 'ORDER_0001' }, fakeTime()),
    ).rejects.toBe(notFound);

    const controller = new AbortController();
    controller.abort();
    await expect(
      awaitFinalState(
        scripted(['NOTPAY']),
        { outTradeNo: 'ORDER_0001' },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('aborts a real wait between polls', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      awaitFinalState(
        scripted(['USERPAYING']),
        { outTradeNo: 'ORDER_0001' },
        { signal: controller.signal, initialIntervalMs: 5_000 },
      ),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});
