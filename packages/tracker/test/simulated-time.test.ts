import { describe, expect, it } from 'vitest';
import { nativeOrder, orderNo, settled, useHarness } from './support/harness.js';

describe('tracker on simulated time (in-memory backend)', () => {
  const h = useHarness();

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
      const status = await settled(tracker, no, 3_000);
      expect(status).toMatchObject({ phase: 'settled', state: 'CLOSED' });
      expect(h.calls.filter((c) => c.outTradeNo === no).map((c) => c.callback)).toEqual([
        'onClosed',
      ]);
    } finally {
      h.sim.advanceTime(-hour);
      await tracker.stop();
    }
  });
});
