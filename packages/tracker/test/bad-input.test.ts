import {
  AuthenticationError,
  ConnectionError,
  OrderNotFoundError,
  ValidationError,
} from '@wxpay/core';
import { createV2Client } from '@wxpay/v2-xml';
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../src/index.js';
import { nativeOrder, orderNo, settled, useHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';
import { startTestRedis } from './support/redis-server.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

const later = (ms: number) => new Date(Date.now() + ms);

describe('tracker: bad input, unreachable WeChat Pay, Redis going away', () => {
  const h = useHarness();

  it('an order WeChat Pay does not know is refused with OrderNotFoundError and not tracked', async () => {
    const tracker = h.tracker();
    const error = await rejection(
      tracker.track({ outTradeNo: 'NEVER0000001' }, { expiresAt: later(60_000), kind: 'native' }),
    );
    expect(OrderNotFoundError.isInstance(error)).toBe(true);
    expect(await tracker.status({ outTradeNo: 'NEVER0000001' })).toBeUndefined();
    expect(await tracker.summary()).toEqual({ open: 0, settled: 0, failed: 0 });
  });

  it('a malformed expiresAt, kind or order number is a ValidationError naming the field', async () => {
    const tracker = h.tracker();
    const no = orderNo('bad');
    await h.client.createOrder(nativeOrder(no));
    const cases: [Promise<unknown>, string][] = [
      [
        tracker.track({ outTradeNo: no }, { expiresAt: new Date('not a date'), kind: 'native' }),
        'expiresAt',
      ],
      [
        tracker.track(
          { outTradeNo: no },
          {
            expiresAt: '2030-01-01' as unknown as Date,
            kind: 'native',
          },
        ),
        'expiresAt',
      ],
      [
        tracker.track({ outTradeNo: no }, { expiresAt: later(1_000), kind: 'cash' as 'native' }),
        'kind',
      ],
      [
        tracker.track(
          { outTradeNo: 'no spaces allowed' },
          { expiresAt: later(1_000), kind: 'native' },
        ),
        'outTradeNo',
      ],
      [
        tracker.createOrder({ ...nativeOrder(orderNo('bad')), expiresAt: new Date(Number.NaN) }),
        'expiresAt',
      ],
      [tracker.reconcile({ billDate: '2024-02-30' }), 'billDate'],
    ];
    for (const [promise, field] of cases) {
      const error = await rejection(promise);
      expect(ValidationError.isInstance(error), String(error)).toBe(true);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([field]);
    }
    expect(await tracker.summary()).toEqual({ open: 0, settled: 0, failed: 0 });
  });

  it('unreachable WeChat Pay: createOrder throws ConnectionError, the order stays tracked with the error', async () => {
    const offline = createV2Client({
      appId: h.sim.merchant.appId,
      mchId: h.sim.merchant.mchId,
      apiKey: h.sim.merchant.apiKey,
      // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
      baseUrl: 'http://127.0.0.1:9',
      notifyUrl: 'http://127.0.0.1:9/notify',
      retry: { maxAttempts: 1 },
    });
    const tracker = h.tracker({ client: offline });
    await tracker.start();
    const no = orderNo('down');
    const error = await rejection(tracker.createOrder(nativeOrder(no)));
    expect(ConnectionError.isInstance(error), String(error)).toBe(true);
    // The call may have reached WeChat Pay before the failure: the order is not dropped.
    await waitUntil(
      async () => ((await tracker.status({ outTradeNo: no })) as OrderStatus).queries > 0,
      5_000,
      'a query attempt',
    );
    const status = (await tracker.status({ outTradeNo: no })) as OrderStatus;
    expect(status).toMatchObject({ phase: 'open', state: 'NOTPAY' });
    expect(status.lastError?.name).toBe('ConnectionError');
    const tracked = await tracker.track(
      { outTradeNo: orderNo('down') },
      { expiresAt: later(60_000), kind: 'native' },
    );
    expect(tracked).toMatchObject({ phase: 'open' });
    expect(tracked.lastError?.name).toBe('ConnectionError');
    await tracker.stop();
    await offline.close();
  });

  it('transient failures back off and resume; the payment is found once WeChat Pay answers', async () => {
    const tracker = h.tracker();
    await tracker.start();
    const no = orderNo('flaky');
    await tracker.createOrder(nativeOrder(no));
    h.sim.faults.push({ kind: 'reset', path: '/pay/orderquery', times: 6 });
    h.sim.notifications.drops.add(no);
    h.sim.pay(no);
    const status = await settled(tracker, no, 15_000);
    expect(status).toMatchObject({ phase: 'settled', state: 'SUCCESS' });
    expect(status.lastError?.name).toBe('ConnectionError');
    expect(h.calls.filter((c) => c.outTradeNo === no).map((c) => c.key)).toEqual([`${no}:paid`]);
    await tracker.stop();
  });

  it('a permanent error (AuthenticationError) stops that order and reports it; others go on', async () => {
    const tracker = h.tracker();
    await tracker.start();
    const broken = orderNo('auth');
    const fine = orderNo('fine');
    await tracker.createOrder(nativeOrder(broken));
    await tracker.createOrder(nativeOrder(fine));
    h.sim.faults.push({
      kind: 'rewrite',
      path: '/pay/orderquery',
      times: Number.POSITIVE_INFINITY,
      rewrite: (a) =>
        a.out_trade_no === broken
          ? { ...a, result_code: 'FAIL', err_code: 'NOAUTH', err_code_des: '商户无此接口权限' }
          : a,
    });
    h.sim.notifications.drops.add(broken, fine);
    h.sim.pay(fine);
    await waitUntil(
      async () =>
        ((await tracker.status({ outTradeNo: broken })) as OrderStatus).phase === 'failed' &&
        ((await tracker.status({ outTradeNo: fine })) as OrderStatus).phase === 'settled',
      10_000,
      'one order failed, the other settled',
    );
    const status = (await tracker.status({ outTradeNo: broken })) as OrderStatus;
    expect(status.lastError?.name).toBe(AuthenticationError.kind);
    expect(await tracker.summary()).toMatchObject({ failed: 1 });
    await tracker.stop();
  });

  it('Redis goes away and comes back: the tracker waits, resumes and loses nothing', {
    timeout: 60_000,
  }, async () => {
    const redis = await startTestRedis({ persist: true });
    try {
      const backend = { redis: { host: redis.host, port: redis.port, prefix: 'outage' } };
      const tracker = h.tracker({ backend });
      await tracker.start();
      const before = orderNo('pre');
      await tracker.createOrder(nativeOrder(before));
      h.sim.notifications.drops.add(before);
      await redis.stop();
      // While Redis is away: the payer pays (notification lost) and a new order is created.
      h.sim.pay(before);
      const during = orderNo('mid');
      const creating = tracker.createOrder(nativeOrder(during));
      let created = false;
      void creating.then(() => {
        created = true;
      });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(created).toBe(false);
      await redis.restart();
      await creating;
      h.sim.pay(during);
      await waitUntil(
        async () => {
          const s = await tracker.summary();
          return s.settled === 2 && s.open === 0;
        },
        20_000,
        'both orders to settle after the outage',
      );
      for (const no of [before, during]) {
        expect(h.calls.filter((c) => c.outTradeNo === no).map((c) => c.key)).toEqual([
          `${no}:paid`,
        ]);
      }
      await tracker.stop();
    } finally {
      await redis.dispose();
    }
  });
});
