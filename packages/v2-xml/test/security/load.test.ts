import type { Order, TradeState } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  createLoadOrders,
  measureQueryLoad,
  recordUnhandledRejections,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client } from '../../src/index.js';

const QUERIES = 10_000;
const IN_FLIGHT = 64;
const ORDERS = 200;
const rejections = recordUnhandledRejections();
let sim: Simulator;
let client: V2Client;
const expected = new Map<string, TradeState>();
let orders: string[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  client = createV2Client(
    sim.clientConfig('v2', {
      // No retries: every query must succeed on its first attempt for "zero errors" to mean it.
      retry: { maxAttempts: 1 },
      timeoutMs: 30_000,
    }),
  );
  orders = await createLoadOrders(client, {
    count: ORDERS,
    prefix: `LOAD${Date.now().toString(36).toUpperCase()}`,
    fields: { notifyUrl: 'http://127.0.0.1:9/notify', clientIp: '127.0.0.1' },
    // A mix of states, so a response mixed up between orders would show.
    afterCreate: (outTradeNo, i) => {
      if (i % 3 === 1) sim.pay(outTradeNo, { silent: true });
      if (i % 3 === 2) sim.expire(outTradeNo);
      expected.set(outTradeNo, i % 3 === 0 ? 'NOTPAY' : i % 3 === 1 ? 'SUCCESS' : 'CLOSED');
    },
  });
}, 60_000);

afterAll(async () => {
  await client.close();
  await sim.stop();
});

/** What is kept of an answer: a paid order's amount too (unpaid v2 orders come without one). */
function digest(order: Order): string {
  return `${order.outTradeNo}|${order.state}|${order.state === 'SUCCESS' ? order.amount.total : '-'}`;
}

/** The digest of the right answer to query `i`. */
function expectedDigest(i: number): string {
  const outTradeNo = orders[i % orders.length] as string;
  const state = expected.get(outTradeNo);
  return `${outTradeNo}|${state}|${state === 'SUCCESS' ? 100 + (i % orders.length) : '-'}`;
}

describe('load', () => {
  it(`${QUERIES} queries, ${IN_FLIGHT} in flight: no error, none lost, heap stable`, async () => {
    // The right answer for the right request: id and state match, and a paid order's amount.
    const load = await measureQueryLoad(client, {
      orders,
      queries: QUERIES,
      inFlight: IN_FLIGHT,
      warmUpQueries: 1_000,
      digest,
      isRight: (order, i) => digest(order) === expectedDigest(i),
    });
    expect(load.warmUp.tally.misses).toEqual([]);
    const { tally, heapMiB } = load;
    expect(tally.misses.slice(0, 5)).toEqual([]);
    expect(tally.tried).toBe(QUERIES);
    expect(tally.acceptedValid).toBe(QUERIES);
    expect(tally.acceptedWrongly).toBe(0);
    // The simulator in this process keeps its last 10,000 requests (~8 MiB here): the bound
    // allows that, not a retained reply per query. Without a forced GC the heap also holds
    // uncollected garbage, hence the generous fallback.
    expect(heapMiB.after - heapMiB.before).toBeLessThan(load.gcForced ? 16 : 96);
    await rejections.expectNone();
  }, 120_000);
});
