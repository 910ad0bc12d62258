import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBackend, type Tracker } from '../src/index.js';
import { type Harness, nativeOrder, orderNo, startHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';
import { startTestRedis, type TestRedis } from './support/redis-server.js';

async function settleOne(h: Harness, tracker: Tracker): Promise<string> {
  await tracker.start();
  const no = orderNo('keep');
  await tracker.createOrder(nativeOrder(no));
  h.sim.pay(no);
  await waitUntil(
    async () => (await tracker.status({ outTradeNo: no }))?.phase === 'settled',
    8_000,
    `${no} to settle`,
  );
  return no;
}

describe('settled orders are kept for the retention period, then forgotten', () => {
  let h: Harness;
  let redis: TestRedis;
  beforeAll(async () => {
    [h, redis] = await Promise.all([startHarness(), startTestRedis()]);
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.dispose();
  });

  it('in memory', async () => {
    const clock = { now: () => h.sim.now() };
    const tracker = h.tracker({
      clock,
      backend: createMemoryBackend(clock, { retentionMs: 60_000 }),
    });
    const no = await settleOne(h, tracker);
    expect(await tracker.summary()).toEqual({ open: 0, settled: 1, failed: 0 });
    h.sim.advanceTime(61_000);
    try {
      await waitUntil(async () => !(await tracker.status({ outTradeNo: no })), 2_000, 'forgetting');
      expect(await tracker.summary()).toEqual({ open: 0, settled: 0, failed: 0 });
    } finally {
      h.sim.advanceTime(-61_000);
      await tracker.stop();
    }
  });

  it('in Redis', async () => {
    const tracker = h.tracker({
      backend: {
        redis: { host: redis.host, port: redis.port, prefix: 'keep', retentionMs: 1_500 },
      },
    });
    const no = await settleOne(h, tracker);
    expect(await tracker.summary()).toEqual({ open: 0, settled: 1, failed: 0 });
    await waitUntil(async () => !(await tracker.status({ outTradeNo: no })), 5_000, 'forgetting');
    expect(await tracker.summary()).toEqual({ open: 0, settled: 0, failed: 0 });
    await tracker.stop();
  });
});
