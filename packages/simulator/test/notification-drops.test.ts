import { beforeAll, describe, expect, it } from 'vitest';
import { useSimulator } from './support/use-simulator.js';

const env = useSimulator({ prefix: 'DROP', receiver: true });
const { no, v2 } = env;

beforeAll(() => {
  env.receiver.respond = () => ({
    status: 200,
    body: '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>',
  });
});

/** Creates an unpaid native order through v2 that notifies the receiver. */
async function createOrder(outTradeNo: string, body = 'drops'): Promise<void> {
  const answer = await v2('/pay/unifiedorder', {
    body,
    out_trade_no: outTradeNo,
    total_fee: '100',
    spbill_create_ip: '127.0.0.1',
    notify_url: env.receiver.url,
    trade_type: 'NATIVE',
    product_id: 'P1',
  });
  expect(answer.fields.result_code).toBe('SUCCESS');
}

async function paidOrder(prefix: string): Promise<string> {
  const outTradeNo = no(prefix);
  await createOrder(outTradeNo);
  env.sim.pay(outTradeNo);
  return outTradeNo;
}

describe('simulator: dropping notifications', () => {
  it('per order: that order is never notified, others are', async () => {
    const lost = no('LOST');
    env.sim.notifications.drops.add(lost);
    const kept = await paidOrder('KEPT');
    await env.sim.notifications.idle();
    expect(env.sim.notifications.forOrder(kept)).toHaveLength(1);
    // `lost` is not created yet: the rule is by number, so it holds for later orders too.
    await createOrder(lost);
    env.sim.pay(lost);
    env.sim.sendPaymentNotification(lost);
    await env.sim.notifications.idle();
    expect(env.sim.notifications.forOrder(lost)).toEqual([]);
    expect(env.sim.notifications.drops.dropped.filter((d) => d.outTradeNo === lost)).toEqual([
      { type: 'payment', outTradeNo: lost },
      { type: 'payment', outTradeNo: lost },
    ]);
    // The order itself is paid: a query finds what the notification would have said.
    const q = await v2('/pay/orderquery', { out_trade_no: lost });
    expect(q.fields.trade_state).toBe('SUCCESS');
  });

  it('a share: about that share of orders, the same ones on every run', async () => {
    env.sim.notifications.drops.set({ share: 0.5 });
    const orders: string[] = [];
    for (let i = 0; i < 40; i += 1) orders.push(await paidOrder('SHR'));
    await env.sim.notifications.idle();
    const dropped = orders.filter((o) => env.sim.notifications.forOrder(o).length === 0);
    expect(dropped.length).toBeGreaterThan(8);
    expect(dropped.length).toBeLessThan(32);
    // Deterministic: the choice depends on the order number only.
    const again = orders.filter((o) =>
      env.sim.notifications.drops.shouldDrop({ type: 'payment', outTradeNo: o }),
    );
    expect(again).toEqual(dropped);
    env.sim.notifications.drops.clear();
  });

  it('all, limited to one notification type; clear() restores delivery', async () => {
    env.sim.notifications.drops.set({ all: true, types: ['refund'] });
    const paid = await paidOrder('ALLR');
    await env.sim.notifications.idle();
    expect(env.sim.notifications.forOrder(paid)).toHaveLength(1);
    env.sim.notifications.drops.set({ all: true });
    const lost = await paidOrder('ALLP');
    await env.sim.notifications.idle();
    expect(env.sim.notifications.forOrder(lost)).toEqual([]);
    env.sim.notifications.drops.clear();
    const back = await paidOrder('BACK');
    await env.sim.notifications.idle();
    expect(env.sim.notifications.forOrder(back)).toHaveLength(1);
    expect(() => env.sim.notifications.drops.set({ share: 2 })).toThrow(/0\.\.1/);
  });

  it('advanceTime moves expiry: an unpaid order past its time_expire reads CLOSED', async () => {
    const outTradeNo = no('EXP');
    await createOrder(outTradeNo, 'expiry');
    const before = await v2('/pay/orderquery', {
      out_trade_no: outTradeNo,
    });
    expect(before.fields.trade_state).toBe('NOTPAY');
    env.sim.advanceTime(2 * 3600_000 + 1_000);
    try {
      expect(env.sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
    } finally {
      env.sim.advanceTime(-(2 * 3600_000 + 1_000));
    }
  });
});

describe('simulator: planted paid history', () => {
  it('adds paid orders that queries and the trade bill both see', async () => {
    const prefix = env.sim.plantPaidOrders({ count: 1_000, prefix: 'PLT', total: 250 });
    expect(prefix).toBe('PLT');
    expect(env.sim.getOrder('PLT999')).toMatchObject({ state: 'SUCCESS', total: 250 });
    const q = await v2('/pay/orderquery', { out_trade_no: 'PLT000' });
    expect(q.fields).toMatchObject({ trade_state: 'SUCCESS', total_fee: '250' });
    const day = new Date(env.sim.now() + 8 * 3600_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const bill = await v2('/pay/downloadbill', {
      bill_date: day,
      bill_type: 'SUCCESS',
    });
    const planted = bill.text.split('\r\n').filter((l) => l.includes('`PLT'));
    expect(planted).toHaveLength(1_000);
  });
});
