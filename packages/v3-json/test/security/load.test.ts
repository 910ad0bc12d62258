import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  createLoadOrders,
  measureQueryLoad,
  recordUnhandledRejections,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../../src/index.js';

const rejections = recordUnhandledRejections();
// The only heavy work in this file: 10,000 signed queries (20,000 RSA signatures in all).
const QUERIES = 10_000;
const IN_FLIGHT = 64;
const ORDERS = 100;
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

describe('load', () => {
  it(`${QUERIES} queries, ${IN_FLIGHT} in flight: no error, none lost, each answer for its own order`, {
    timeout: 180_000,
  }, async () => {
    const orders = await createLoadOrders(client, {
      count: ORDERS,
      prefix: `SECLOAD${Date.now()}`,
      // Every third order paid, so answers differ in content, not only in number.
      afterCreate: (outTradeNo, i) => {
        if (i % 3 === 0) sim.pay(outTradeNo, { silent: true });
      },
    });
    const load = await measureQueryLoad(client, {
      orders,
      queries: QUERIES,
      inFlight: IN_FLIGHT,
      warmUpQueries: ORDERS,
      digest: (order) => `${order.outTradeNo}|${order.state}|${order.amount.total}`,
      // The simulator's request log shares this heap: emptied before each reading.
      beforeHeapReading: () => {
        (sim.requests as unknown[]).length = 0;
      },
    });
    expect(load.warmUp.errors).toEqual([]);
    expect(load.errors).toEqual([]);
    expect(load.peakInFlight).toBe(IN_FLIGHT);
    expect(load.digests).toHaveLength(QUERIES);
    // Every promise settled with the answer for the order it asked about, in order.
    const wrong = load.digests.filter((answer, i) => {
      const k = i % ORDERS;
      return answer !== `${orders[k]}|${k % 3 === 0 ? 'SUCCESS' : 'NOTPAY'}|${100 + k}`;
    });
    expect(wrong).toEqual([]);
    expect(load.tally.acceptedValid).toBe(QUERIES);
    // Keeping each answer (body, headers, Order with raw) would add about 25 MB for 10,000
    // queries. Some growth is the simulator's own, in this heap: it remembers every nonce for
    // 10 minutes (replay check). Without a forced GC the bound has to be generous.
    expect(load.heapMiB.after - load.heapMiB.before).toBeLessThan(load.gcForced ? 20 : 96);
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
  });
});
