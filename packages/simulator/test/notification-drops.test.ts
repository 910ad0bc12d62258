import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../src/contract/notification-receiver.js';
import { v2Request } from '../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../src/start-simulator.js';

let sim: Simulator;
let receiver: NotificationReceiver;
let seq = 0;
const no = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;

beforeAll(async () => {
  [sim, receiver] = await Promise.all([startSimulator(), startNotificationReceiver()]);
  receiver.respond = () => ({
    status: 200,
    body: '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>',
  });
});
afterAll(async () => {
  await Promise.all([sim.stop(), receiver.stop()]);
});

async function paidOrder(prefix: string): Promise<string> {
  const outTradeNo = no(prefix);
  const answer = await v2Request(sim.url, '/pay/unifiedorder', sim.merchant, {
    body: 'drops',
    out_trade_no: outTradeNo,
    total_fee: '100',
    spbill_create_ip: '127.0.0.1',
    notify_url: receiver.url,
    trade_type: 'NATIVE',
    product_id: 'P1',
  });
  expect(answer.fields.result_code).toBe('SUCCESS');
  sim.pay(outTradeNo);
  return outTradeNo;
}

describe('simulator: dropping notifications', () => {
  it('per order: that order is never notified, others are', async () => {
    const lost = no('LOST');
    sim.notifications.drops.add(lost);
    const kept = await paidOrder('KEPT');
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(kept)).toHaveLength(1);
    // `lost` is not created yet: the rule is by number, so it holds for later orders too.
    await v2Request(sim.url, '/pay/unifiedorder', sim.merchant, {
      body: 'drops',
      out_trade_no: lost,
      total_fee: '100',
      spbill_create_ip: '127.0.0.1',
      notify_url: receiver.url,
      trade_type: 'NATIVE',
      product_id: 'P1',
    });
    sim.pay(lost);
    sim.sendPaymentNotification(lost);
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(lost)).toEqual([]);
    expect(sim.notifications.drops.dropped.filter((d) => d.outTradeNo === lost)).toEqual([
      { type: 'payment', outTradeNo: lost },
      { type: 'payment', outTradeNo: lost },
    ]);
    // The order itself is paid: a query finds what the notification would have said.
    const q = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: lost });
    expect(q.fields.trade_state).toBe('SUCCESS');
  });

  it('a share: about that share of orders, the same ones on every run', async () => {
    sim.notifications.drops.set({ share: 0.5 });
    const orders: string[] = [];
    for (let i = 0; i < 40; i += 1) orders.push(await paidOrder('SHR'));
    await sim.notifications.idle();
    const dropped = orders.filter((o) => sim.notifications.forOrder(o).length === 0);
    expect(dropped.length).toBeGreaterThan(8);
    expect(dropped.length).toBeLessThan(32);
    // Deterministic: the choice depends on the order number only.
    const again = orders.filter((o) =>
      sim.notifications.drops.shouldDrop({ type: 'payment', outTradeNo: o }),
    );
    expect(again).toEqual(dropped);
    sim.notifications.drops.clear();
  });

  it('all, limited to one notification type; clear() restores delivery', async () => {
    sim.notifications.drops.set({ all: true, types: ['refund'] });
    const paid = await paidOrder('ALLR');
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(paid)).toHaveLength(1);
    sim.notifications.drops.set({ all: true });
    const lost = await paidOrder('ALLP');
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(lost)).toEqual([]);
    sim.notifications.drops.clear();
    const back = await paidOrder('BACK');
    await sim.notifications.idle();
    expect(sim.notifications.forOrder(back)).toHaveLength(1);
    expect(() => sim.notifications.drops.set({ share: 2 })).toThrow(/0\.\.1/);
  });

  it('advanceTime moves expiry: an unpaid order past its time_expire reads CLOSED', async () => {
    const outTradeNo = no('EXP');
    await v2Request(sim.url, '/pay/unifiedorder', sim.merchant, {
      body: 'expiry',
      out_trade_no: outTradeNo,
      total_fee: '100',
      spbill_create_ip: '127.0.0.1',
      notify_url: receiver.url,
      trade_type: 'NATIVE',
      product_id: 'P1',
    });
    const before = await v2Request(sim.url, '/pay/orderquery', sim.merchant, {
      out_trade_no: outTradeNo,
    });
    expect(before.fields.trade_state).toBe('NOTPAY');
    sim.advanceTime(2 * 3600_000 + 1_000);
    try {
      expect(sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
    } finally {
      sim.advanceTime(-(2 * 3600_000 + 1_000));
    }
  });
});

describe('simulator: planted paid history', () => {
  it('adds paid orders that queries and the trade bill both see', async () => {
    const prefix = sim.plantPaidOrders({ count: 1_000, prefix: 'PLT', total: 250 });
    expect(prefix).toBe('PLT');
    expect(sim.getOrder('PLT999')).toMatchObject({ state: 'SUCCESS', total: 250 });
    const q = await v2Request(sim.url, '/pay/orderquery', sim.merchant, { out_trade_no: 'PLT000' });
    expect(q.fields).toMatchObject({ trade_state: 'SUCCESS', total_fee: '250' });
    const day = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const bill = await v2Request(sim.url, '/pay/downloadbill', sim.merchant, {
      bill_date: day,
      bill_type: 'SUCCESS',
    });
    const planted = bill.text.split('\r\n').filter((l) => l.includes('`PLT'));
    expect(planted).toHaveLength(1_000);
  });
});
