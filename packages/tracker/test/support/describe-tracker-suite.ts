import { UserPayingError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { OrderStatus, RefundStatus, Tracker, TrackerOptions } from '../../src/index.js';
import { type Harness, nativeOrder, orderNo, settled, useHarness } from './harness.js';
import { waitUntil } from './notify-endpoint.js';

/** Makes the backend option for one test (a fresh namespace each time). */
export type BackendFactory = () => NonNullable<TrackerOptions['backend']>;

/** Starts a payment-code charge that stays USERPAYING (the payer is entering a password). */
export async function userPayingCharge(h: Harness, outTradeNo: string): Promise<void> {
  h.sim.queueMicropayOutcome('USERPAYING');
  const error = await h.client
    .micropay({
      outTradeNo,
      description: 'tracker test',
      amount: { total: 100 },
      authCode: '134567890123456789',
      clientIp: '127.0.0.1',
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!UserPayingError.isInstance(error)) throw new Error('expected USERPAYING');
}

/**
 * The behaviour every backend must show, against the simulator over HTTP: the same tests run
 * for the in-memory and the Redis backend.
 */
export function describeTrackerSuite(name: string, backend: BackendFactory): void {
  describe(`tracker scenarios (${name} backend)`, () => {
    const h = useHarness();
    const calls = (outTradeNo: string) => h.calls.filter((c) => c.outTradeNo === outTradeNo);
    /** A started tracker on a fresh backend namespace. */
    const started = async (overrides: Partial<TrackerOptions> = {}) => {
      const tracker = h.tracker({ backend: backend(), ...overrides });
      await tracker.start();
      return tracker;
    };
    /** A new Native order, created through `tracker`. */
    const created = async (tracker: Tracker, tag: string, total?: number) => {
      const no = orderNo(tag);
      await tracker.createOrder(nativeOrder(no, total));
      return no;
    };
    /** A payment-code charge left USERPAYING, tracked until `expiresInMs` from now. */
    const trackCharge = async (tracker: Tracker, no: string, expiresInMs: number) => {
      await userPayingCharge(h, no);
      const expiresAt = new Date(Date.now() + expiresInMs);
      await tracker.track({ outTradeNo: no }, { expiresAt, kind: 'micropay' });
    };

    it('paid with a notification: onPaid once, order settled as SUCCESS', async () => {
      const tracker = await started();
      const no = await created(tracker, 'paid');
      h.sim.pay(no);
      const status = await settled(tracker, no);
      expect(status).toMatchObject({ state: 'SUCCESS', delivered: [`${no}:paid`] });
      expect(calls(no)).toEqual([
        { callback: 'onPaid', key: `${no}:paid`, attempt: 1, outTradeNo: no, state: 'SUCCESS' },
      ]);
      await tracker.stop();
    });

    it('a notification short-circuits the schedule: settled without a single query', async () => {
      const tracker = await started({ schedule: { firstQueryMs: 60_000 } });
      const no = await created(tracker, 'short');
      h.sim.pay(no);
      const status = await settled(tracker, no, 5_000);
      expect(status.state).toBe('SUCCESS');
      expect(status.queries).toBe(0);
      await tracker.stop();
    });

    it('paid with the notification dropped: the tracker finds the payment by querying', async () => {
      const tracker = await started();
      const no = await created(tracker, 'drop');
      h.sim.notifications.drops.add(no);
      h.sim.pay(no);
      const status = await settled(tracker, no);
      expect(status.state).toBe('SUCCESS');
      expect(status.queries).toBeGreaterThan(0);
      expect(h.sim.notifications.drops.dropped.some((d) => d.outTradeNo === no)).toBe(true);
      expect(h.sim.notifications.forOrder(no)).toEqual([]);
      expect(calls(no).map((c) => c.key)).toEqual([`${no}:paid`]);
      await tracker.stop();
    });

    it('never paid: closed at WeChat Pay at its expiry, then onClosed', async () => {
      const tracker = await started();
      const no = orderNo('close');
      await h.client.createOrder(nativeOrder(no));
      const expiresAt = new Date(Date.now() + 1_000);
      await tracker.track({ outTradeNo: no }, { expiresAt, kind: 'native' });
      // The query inside track is the first look; the next one waits for the schedule (300 ms).
      await new Promise((r) => setTimeout(r, 100));
      const queries = () =>
        h.sim.requests.filter((r) => r.path === '/pay/orderquery' && r.body.includes(no)).length;
      expect(queries()).toBe(1);
      const status = await settled(tracker, no);
      expect(status.state).toBe('CLOSED');
      expect(status.settledAt?.getTime()).toBeGreaterThanOrEqual(expiresAt.getTime());
      expect(h.sim.getOrder(no)?.state).toBe('CLOSED');
      expect(h.sim.requests.some((r) => r.path === '/pay/closeorder' && r.body.includes(no))).toBe(
        true,
      );
      expect(calls(no).map((c) => [c.callback, c.state])).toEqual([['onClosed', 'CLOSED']]);
      await tracker.stop();
    });

    it('paid just before expiry (notification lost): queried first, never closed', async () => {
      const tracker = await started({ schedule: { firstQueryMs: 60_000 } });
      const no = orderNo('late');
      await h.client.createOrder(nativeOrder(no));
      await tracker.track(
        { outTradeNo: no },
        { expiresAt: new Date(Date.now() + 600), kind: 'native' },
      );
      h.sim.notifications.drops.add(no);
      h.sim.pay(no);
      const status = await settled(tracker, no);
      expect(status.state).toBe('SUCCESS');
      expect(h.sim.getOrder(no)?.state).toBe('SUCCESS');
      expect(h.sim.requests.some((r) => r.path === '/pay/closeorder' && r.body.includes(no))).toBe(
        false,
      );
      await tracker.stop();
    });

    it('payment code USERPAYING then paid: polled until SUCCESS', async () => {
      const tracker = await started();
      const no = orderNo('upok');
      await trackCharge(tracker, no, 10_000);
      await waitUntil(
        async () => ((await tracker.status({ outTradeNo: no })) as OrderStatus).queries >= 2,
        5_000,
        'a USERPAYING poll',
      );
      h.sim.pay(no);
      const status = await settled(tracker, no);
      expect(status.state).toBe('SUCCESS');
      expect(calls(no).map((c) => c.callback)).toEqual(['onPaid']);
      await tracker.stop();
    });

    it('payment code stuck in USERPAYING: reversed at its deadline (REVOKED), then onClosed', async () => {
      const tracker = await started();
      const no = orderNo('uprev');
      await trackCharge(tracker, no, 800);
      const status = await settled(tracker, no);
      expect(status.state).toBe('REVOKED');
      expect(h.sim.getOrder(no)?.state).toBe('REVOKED');
      expect(calls(no).map((c) => [c.callback, c.state])).toEqual([['onClosed', 'REVOKED']]);
      await tracker.stop();
    });

    it('payment failed (PAYERROR): onFailed once', async () => {
      const tracker = await started();
      const no = await created(tracker, 'fail');
      h.sim.fail(no);
      const status = await settled(tracker, no);
      expect(status.state).toBe('PAYERROR');
      expect(calls(no).map((c) => c.key)).toEqual([`${no}:failed`]);
      await tracker.stop();
    });

    it('refund tracked to SUCCESS: onRefunded once with the refund', async () => {
      const tracker = await started();
      const no = await created(tracker, 'refund', 300);
      h.sim.pay(no);
      await settled(tracker, no);
      const outRefundNo = `R${no}`.slice(0, 32);
      await tracker.refund({
        order: { outTradeNo: no },
        outRefundNo,
        amount: { refund: 100, total: 300 },
      });
      h.sim.completeRefund(outRefundNo);
      let refund: RefundStatus | undefined;
      await waitUntil(
        async () => {
          refund = (await tracker.status({ outRefundNo })) as RefundStatus;
          return refund?.phase === 'settled';
        },
        8_000,
        'the refund to settle',
      );
      expect(refund).toMatchObject({ status: 'SUCCESS', delivered: [`refund:${outRefundNo}`] });
      expect(calls(no).map((c) => [c.callback, c.key, c.state])).toEqual([
        ['onPaid', `${no}:paid`, 'SUCCESS'],
        ['onRefunded', `refund:${outRefundNo}`, 'SUCCESS'],
      ]);
      await tracker.stop();
    });

    it('a callback that throws is called again with the same key until it returns, then never again', async () => {
      let calls = 0;
      const seen: { key: string; attempt: number }[] = [];
      const tracker = await started({
        onPaid: (_order, ctx) => {
          seen.push({ ...ctx });
          calls += 1;
          if (calls < 3) throw new Error('warehouse offline');
        },
      });
      const no = await created(tracker, 'retry');
      h.sim.pay(no);
      const status = await settled(tracker, no);
      expect(seen).toEqual([
        { key: `${no}:paid`, attempt: 1 },
        { key: `${no}:paid`, attempt: 2 },
        { key: `${no}:paid`, attempt: 3 },
      ]);
      expect(status.delivered).toEqual([`${no}:paid`]);
      // A late redelivery of the notification does not repeat a recorded callback.
      h.sim.sendPaymentNotification(no);
      await h.sim.notifications.idle();
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toHaveLength(3);
      await tracker.stop();
    });
  });
}
