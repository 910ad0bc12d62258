import type { Order, PaymentClient } from '@wxpay/core';
import type { Simulator } from '@wxpay/simulator';
import { createTracker } from '@wxpay/tracker';
import { demoOrder } from './demo-orders.js';

/** What the demo's tracker chapter uses of the demo. */
export interface TrackerStoryContext {
  readonly sim: Simulator;
  readonly client: PaymentClient;
  readonly orderNo: (prefix: string) => string;
  step(protocol: string, name: string, run: () => Promise<string>): Promise<boolean>;
  say(text: string): void;
}

const beijingDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The demo's tracker chapter: WeChat Pay loses a payment notification and the tracker finds
 * the payment by querying; then the day's trade bill is reconciled and reports clean.
 */
export async function trackerStory(ctx: TrackerStoryContext): Promise<void> {
  ctx.say('\nTracker: no order left in limbo\n');
  const paid: { order: Order; key: string }[] = [];
  const tracker = createTracker({
    client: ctx.client,
    // The official schedule queries after 5 s, then every 10–30 s; the demo compresses it.
    schedule: { firstQueryMs: 300, earlyIntervalMs: 300, intervalMs: 500 },
    onPaid: (order, c) => {
      paid.push({ order, key: c.key });
    },
  });
  await tracker.start();
  try {
    const no = ctx.orderNo('DEMOTRK');
    await ctx.step(
      'v3',
      `order ${no} paid, notification dropped; the tracker queries`,
      async () => {
        await tracker.createOrder(demoOrder('native', no, 'tracked checkout', 1_999));
        ctx.sim.notifications.drops.add(no);
        ctx.sim.pay(no);
        const deadline = Date.now() + 10_000;
        while (!paid.some((p) => p.order.outTradeNo === no)) {
          if (Date.now() > deadline)
            throw new Error('the tracker did not find the payment in 10 s');
          await new Promise((r) => setTimeout(r, 50));
        }
        const status = await tracker.status({ outTradeNo: no });
        const queries = status?.type === 'order' ? status.queries : 0;
        const dropped = ctx.sim.notifications.drops.dropped.some((d) => d.outTradeNo === no);
        if (!dropped) throw new Error('the simulator did not drop the notification');
        return `notification lost; found SUCCESS after ${queries} quer${queries === 1 ? 'y' : 'ies'}; onPaid(key ${paid[0]?.key}) once`;
      },
    );
    const day = beijingDay(ctx.sim.now());
    await ctx.step('v3', `T+1 reconciliation of the ${day} trade bill`, async () => {
      const report = await tracker.reconcile({ billDate: day });
      if (!report.clean) throw new Error(`discrepancies: ${JSON.stringify(report)}`);
      if (report.matched !== 1) throw new Error(`matched ${report.matched}, expected 1`);
      return `${report.rows} rows streamed: the tracked order matches, ${report.untracked.count} rows belong to untracked orders — clean`;
    });
  } finally {
    await tracker.stop();
  }
}
