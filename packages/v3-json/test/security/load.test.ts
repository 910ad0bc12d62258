import type { Order } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { findGc, recordUnhandledRejections, Tally } from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../../src/index.js';
import { pool } from './support/mutate.js';

// The only heavy work in this file: 10,000 signed queries (20,000 RSA signatures in all).
const QUERIES = 10_000;
const IN_FLIGHT = 64;
const ORDERS = 100;

const rejections = recordUnhandledRejections();
let sim: Simulator;
let client: V3Client;

beforeAll(async () => {
  sim = await startSimulator();
  client = createV3Client(
    sim.clientConfig('v3', {
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      // A loaded CI machine must not turn queueing into timeouts; retries would hide errors.
      timeoutMs: 60_000,
      notifyUrl: 'http://127.0.0.1:9/never-called',
      retry: { maxAttempts: 1 },
    }),
  );
});

afterAll(async () => {
  await client.close();
  await sim.stop();
});

const gc = findGc();

/** Heap in MB after a GC. The simulator's request log shares this heap, so it is emptied first. */
function heapMb(): number {
  (sim.requests as unknown[]).length = 0;
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe('load', () => {
  it(`${QUERIES} queries, ${IN_FLIGHT} in flight: no error, none lost, each answer for its own order`, {
    timeout: 180_000,
  }, async () => {
    const orders: string[] = [];
    const stamp = Date.now();
    for (let i = 0; i < ORDERS; i++) {
      const outTradeNo = `SECLOAD${stamp}${String(i).padStart(3, '0')}`;
      await client.createOrder({
        kind: 'native',
        outTradeNo,
        description: 'load',
        amount: { total: 100 + i, currency: 'CNY' },
      });
      // Every third order paid, so answers differ in content, not only in number.
      if (i % 3 === 0) sim.pay(outTradeNo, { silent: true });
      orders.push(outTradeNo);
    }
    // Warm up the connection pool and the JIT before the first heap reading.
    await pool(orders, IN_FLIGHT, (outTradeNo) => client.queryOrder({ outTradeNo }));
    const before = heapMb();

    const tally = new Tally(`load (${QUERIES} queries, ${IN_FLIGHT} in flight)`);
    const errors: unknown[] = [];
    let inFlight = 0;
    let peak = 0;
    const results = await pool(
      Array.from({ length: QUERIES }, (_, i) => i),
      IN_FLIGHT,
      // Only a compact digest is kept, so the heap reading measures the client, not our array.
      async (i): Promise<string | undefined> => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        tally.tried++;
        try {
          const order: Order = await client.queryOrder({ outTradeNo: orders[i % ORDERS]! });
          tally.acceptedValid++;
          return `${order.outTradeNo}|${order.state}|${order.amount.total}`;
        } catch (error) {
          errors.push(error);
          return undefined;
        } finally {
          inFlight--;
        }
      },
    );
    const after = heapMb();
    tally.print();
    Tally.report(
      `[security] load heap: ${before.toFixed(1)} MB → ${after.toFixed(1)} MB (gc ${gc ? 'forced' : 'not available'})`,
    );

    expect(errors).toEqual([]);
    expect(peak).toBe(IN_FLIGHT);
    expect(results).toHaveLength(QUERIES);
    // Every promise settled with the answer for the order it asked about, in order.
    const wrong = results.filter((digest, i) => {
      const k = i % ORDERS;
      return digest !== `${orders[k]}|${k % 3 === 0 ? 'SUCCESS' : 'NOTPAY'}|${100 + k}`;
    });
    expect(wrong).toEqual([]);
    expect(tally.acceptedValid).toBe(QUERIES);
    // Keeping each answer (body, headers, Order with raw) would add about 25 MB for 10,000
    // queries. Some growth is the simulator's own, in this heap: it remembers every nonce for
    // 10 minutes (replay check). Without a forced GC the bound has to be generous.
    expect(after - before).toBeLessThan(gc ? 20 : 96);
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
  });
});
