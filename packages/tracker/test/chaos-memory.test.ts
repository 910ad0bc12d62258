import { describe, expect, it } from 'vitest';
import {
  CHAOS_SCHEDULE,
  checkOutcomes,
  createAll,
  OUTCOMES,
  planOrders,
  settleAll,
} from './support/chaos-plan.js';
import { useHarness } from './support/harness.js';

const ORDERS = Number(process.env.CHAOS_ORDERS ?? 2_000);

describe('chaos run, in-memory backend, one process', () => {
  const h = useHarness();

  it(`${ORDERS} orders of every outcome all end final, each callback effect once`, {
    timeout: 120_000,
  }, async () => {
    const tracker = h.tracker({ schedule: CHAOS_SCHEDULE });
    await tracker.start();
    const orders = planOrders(ORDERS, 'MEM');
    const payers = await createAll(h, tracker, orders, 60);
    await Promise.all(payers);
    const refunds = await settleAll(h, tracker, orders);
    await tracker.stop();
    const effects = new Set(h.calls.map((c) => c.key));
    const { problems, repeatedCalls, latestCloseMs } = await checkOutcomes(
      h,
      tracker,
      orders,
      h.calls,
      effects,
      // One schedule step, plus time for the closing query, close and confirming query.
      (CHAOS_SCHEDULE.intervalMs ?? 0) + 2_000,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    // One process, no crash: nothing is ever repeated.
    expect(repeatedCalls).toBe(0);
    expect(new Set(orders.map((o) => o.outcome)).size).toBe(OUTCOMES.length);
    expect(await tracker.summary()).toEqual({ open: 0, settled: ORDERS + refunds, failed: 0 });
    console.info(`chaos (memory): latest close ${latestCloseMs} ms after expiry`);
  });
});
