import type { TradeState } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { findGc, recordUnhandledRejections, Tally } from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client } from '../../src/index.js';

const QUERIES = 10_000;
const IN_FLIGHT = 64;
const ORDERS = 200;
const rejections = recordUnhandledRejections();
let sim: Simulator;
let client: V2Client;
const expected = new Map<string, TradeState>();

const gc = findGc();

function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

beforeAll(async () => {
  sim = await startSimulator();
  client = createV2Client(
    sim.clientConfig('v2', {
      // No retries: every query must succeed on its first attempt for "zero errors" to mean it.
      retry: { maxAttempts: 1 },
      timeoutMs: 30_000,
    }),
  );
  const stamp = Date.now().toString(36).toUpperCase();
  for (let i = 0; i < ORDERS; i++) {
    const outTradeNo = `LOAD${stamp}${String(i).padStart(4, '0')}`;
    await client.createOrder({
      kind: 'native',
      outTradeNo,
      description: 'load',
      amount: { total: 100 + i, currency: 'CNY' },
      notifyUrl: 'http://127.0.0.1:9/notify',
      clientIp: '127.0.0.1',
    });
    // A mix of states, so a response mixed up between orders would show.
    if (i % 3 === 1) sim.pay(outTradeNo, { silent: true });
    if (i % 3 === 2) sim.expire(outTradeNo);
    expected.set(outTradeNo, i % 3 === 0 ? 'NOTPAY' : i % 3 === 1 ? 'SUCCESS' : 'CLOSED');
  }
}, 60_000);

afterAll(async () => {
  await client.close();
  await sim.stop();
});

/** Runs `count` queries with at most `IN_FLIGHT` outstanding; returns per-slot outcomes. */
async function run(count: number, tally: Tally): Promise<void> {
  const refs = [...expected.keys()];
  let next = 0;
  const settled = new Array<boolean>(count).fill(false);
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const outTradeNo = refs[i % refs.length] as string;
      tally.tried++;
      try {
        const order = await client.queryOrder({ outTradeNo });
        // The right answer for the right request: id and state match, and a paid order's
        // amount (unpaid v2 orders are answered without amounts).
        const total = 100 + (i % refs.length);
        if (
          order.outTradeNo === outTradeNo &&
          order.state === expected.get(outTradeNo) &&
          (order.state !== 'SUCCESS' || order.amount.total === total)
        ) {
          tally.acceptedValid++;
        } else {
          tally.acceptedWrongly++;
          tally.misses.push({ label: `query ${i}`, outcome: `${order.outTradeNo} ${order.state}` });
        }
      } catch (error) {
        tally.misses.push({ label: `query ${i}`, outcome: String(error) });
      }
      settled[i] = true;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  expect(settled.every(Boolean)).toBe(true);
}

describe('load', () => {
  it(`${QUERIES} queries, ${IN_FLIGHT} in flight: no error, none lost, heap stable`, async () => {
    const warm = new Tally('load warm-up');
    await run(1_000, warm);
    expect(warm.misses).toEqual([]);
    const before = heapMiB();
    const tally = new Tally(`load (${QUERIES} queries, ${IN_FLIGHT} in flight)`);
    await run(QUERIES, tally);
    const after = heapMiB();
    tally.print();
    Tally.report(
      `[security] load heap: ${before.toFixed(1)} MiB → ${after.toFixed(1)} MiB (gc ${gc ? 'forced' : 'not exposed'})`,
    );
    expect(tally.misses.slice(0, 5)).toEqual([]);
    expect(tally.tried).toBe(QUERIES);
    expect(tally.acceptedValid).toBe(QUERIES);
    expect(tally.acceptedWrongly).toBe(0);
    // The simulator in this process keeps its last 10,000 requests (~8 MiB here): the bound
    // allows that, not a retained reply per query. Without a forced GC the heap also holds
    // uncollected garbage, hence the generous fallback.
    expect(after - before).toBeLessThan(gc ? 16 : 96);
    await rejections.expectNone();
  }, 120_000);
});
