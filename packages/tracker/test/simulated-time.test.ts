import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../src/index.js';
import { type Harness, nativeOrder, orderNo, startHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';

describe('tracker on simulated time (in-memory backend)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("with the simulator's clock, advanceTime brings an order's expiry: it is closed at once", async () => {
    const tracker = h.tracker({
      clock: { now: () => h.sim.now() },
      // The official schedule: the next query would be 30 s away in real time.
      schedule: { firstQueryMs: 5_000, earlyIntervalMs: 10_000, intervalMs: 30_000 },
    });
    await tracker.start();
    const no = orderNo('time');
    await tracker.createOrder({ ...nativeOrder(no), expiresAt: new Date(h.sim.now() + 3_600_000) });
    const hour = 3_600_000 + 1_000;
    h.sim.advanceTime(hour);
    try {
      await waitUntil(
        async () => ((await tracker.status({ outTradeNo: no })) as OrderStatus).phase === 'settled',
        3_000,
        'the expired order to be closed',
      );
      const status = (await tracker.status({ outTradeNo: no })) as OrderStatus;
      expect(status.state).toBe('CLOSED');
      expect(h.calls.filter((c) => c.outTradeNo === no).map((c) => c.callback)).toEqual([
        'onClosed',
      ]);
    } finally {
      h.sim.advanceTime(-hour);
      await tracker.stop();
    }
  });
});
