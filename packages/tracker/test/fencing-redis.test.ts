import type { LogEvent } from '@wxpay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, nativeOrder, orderNo, startHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';
import { type PartitionProxy, startPartitionProxy } from './support/partition-proxy.js';
import { startTestRedis, type TestRedis } from './support/redis-server.js';

const LOCK_MS = 1_000;

/** A Redis, a proxy in front of it that can be cut, and the simulator harness. */
interface Rig {
  readonly redis: TestRedis;
  readonly proxy: PartitionProxy;
  readonly h: Harness;
}

describe('fencing, Redis backend: a run cut off past its lock', () => {
  let rig: Rig | undefined;
  beforeAll(async () => {
    const redis = await startTestRedis();
    rig = { redis, proxy: await startPartitionProxy(redis.port), h: await startHarness() };
  });
  afterAll(async () => {
    // Healed first, so the trackers' clients can say goodbye to Redis.
    rig?.proxy.heal();
    await rig?.h.stop();
    await rig?.proxy.stop();
    await rig?.redis.dispose();
  });

  // Where the cut-off run is when its lock lapses, and so which save of it is refused.
  const cases = [
    {
      name: 'paid after its query (NOTPAY): the save of its stale answer',
      paidBeforeQuery: false,
    },
    {
      name: 'paid before its query (SUCCESS): the attempt count it saves before onPaid, so onPaid is not called',
      paidBeforeQuery: true,
    },
  ];

  it.each(cases)(
    'the worker that took the order over keeps its progress; refused: $name',
    {
      timeout: 40_000,
    },
    async ({ paidBeforeQuery }) => {
      if (!rig) throw new Error('the rig is used before beforeAll started it');
      const { redis, proxy, h } = rig;
      const no = orderNo('FENCE');
      const prefix = `fence-${no}`;
      const events: LogEvent[] = [];
      const backend = (port: number) => ({
        redis: { host: redis.host, port, prefix, lockDurationMs: LOCK_MS },
      });
      // Reaches Redis through the proxy, so the test can cut it off in the middle of a run.
      const cutOff = h.tracker({ backend: backend(proxy.port), logger: (e) => events.push(e) });
      // Made last, so the harness hands it the payment notification.
      const taker = h.tracker({ backend: backend(redis.port) });

      // The cut: WeChat Pay has just answered cutOff's first query (the answer unchanged) and the
      // answer is on its way. cutOff's next save, and its lock renewals, are held.
      let cut = false;
      h.sim.faults.push({
        kind: 'rewrite',
        path: '/pay/orderquery',
        rewrite: (answer) => {
          proxy.partition();
          cut = true;
          return answer;
        },
      });
      await taker.createOrder(nativeOrder(no));
      // Silent: only queries find this payment, the cut-off worker's first one included.
      if (paidBeforeQuery) h.sim.pay(no, { silent: true });
      await cutOff.start();
      await waitUntil(() => cut, 10_000, 'the cut-off worker’s first query');

      // Meanwhile (the payer pays, notified); the lock lapses and the other worker takes over.
      if (!paidBeforeQuery) h.sim.pay(no);
      await taker.start();
      await waitUntil(
        async () => (await taker.status({ outTradeNo: no }))?.phase === 'settled',
        20_000,
        'the order to settle on the worker that took it over',
      );
      const settled = await taker.status({ outTradeNo: no });

      // The link comes back: cutOff's run resumes from its own answer and tries to save.
      proxy.heal();
      const refused = () => events.some((e) => e.errorName === 'LostLockError');
      await waitUntil(
        async () =>
          refused() ||
          h.calls.filter((c) => c.outTradeNo === no).length > 1 ||
          (await taker.status({ outTradeNo: no }))?.phase !== 'settled',
        10_000,
        'the cut-off run to end',
      );

      expect(settled).toMatchObject({
        phase: 'settled',
        state: 'SUCCESS',
        delivered: [`${no}:paid`],
      });
      // The record is the taker's: not moved back to open, its delivered key kept.
      expect(await taker.status({ outTradeNo: no })).toEqual(settled);
      expect(h.calls.filter((c) => c.outTradeNo === no).map((c) => [c.key, c.attempt])).toEqual([
        [`${no}:paid`, 1],
      ]);
      expect(events.filter((e) => e.errorName === 'LostLockError')).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining(no) }),
      ]);
      // Idle from now on; stopped so the next case's scripted fault meets only its own trackers.
      await Promise.all([cutOff.stop(), taker.stop()]);
    },
  );
});
