import { ConfigError, createMigrationClient } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker, type OrderStatus, type Tracker } from '../src/index.js';
import { FAST_SCHEDULE, nativeOrder, orderNo } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';

const NOTIFY = 'http://127.0.0.1:9/notify';
const today = (sim: Simulator) => new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);

async function paidByQuery(sim: Simulator, tracker: Tracker, no: string): Promise<OrderStatus> {
  sim.notifications.drops.add(no);
  sim.pay(no);
  await waitUntil(
    async () => (await tracker.status({ outTradeNo: no }))?.phase === 'settled',
    8_000,
    `${no} to settle`,
  );
  return (await tracker.status({ outTradeNo: no })) as OrderStatus;
}

describe('tracker with a v3 client and with the migration client', () => {
  let sim: Simulator;
  let v2: V2Client;
  let v3: V3Client;
  beforeAll(async () => {
    sim = await startSimulator();
    const m = sim.merchant;
    v2 = createV2Client({
      appId: m.appId,
      mchId: m.mchId,
      apiKey: m.apiKey,
      baseUrl: sim.url,
      notifyUrl: NOTIFY,
    });
    v3 = createV3Client({
      mchId: m.mchId,
      appId: m.appId,
      privateKey: m.privateKey,
      certificateSerial: m.certificateSerial,
      apiV3Key: m.apiV3Key,
      wechatpayPublicKey: m.wechatpayPublicKey,
      baseUrl: sim.url,
      notifyUrl: 'https://127.0.0.1:9/notify',
    });
  });
  afterAll(async () => {
    await Promise.all([v2.close(), v3.close()]);
    await sim.stop();
  });

  it('v3: finds a payment by querying, then reconciles the v3 trade bill clean', async () => {
    const paid: string[] = [];
    const tracker = createTracker({
      client: v3,
      schedule: FAST_SCHEDULE,
      onPaid: (o) => void paid.push(o.outTradeNo),
    });
    await tracker.start();
    const no = orderNo('VTHREE');
    await tracker.createOrder(nativeOrder(no, 1_234));
    const status = await paidByQuery(sim, tracker, no);
    expect(status.state).toBe('SUCCESS');
    expect(paid).toEqual([no]);
    const report = await tracker.reconcile({ billDate: today(sim) });
    expect(report).toMatchObject({ rows: 1, matched: 1, clean: true });
    // v3 has no payment-code charges, so nothing to reverse them with: refused up front.
    const micropay = await tracker
      .track({ outTradeNo: no }, { expiresAt: new Date(Date.now() + 60_000), kind: 'micropay' })
      .catch((e: unknown) => e);
    expect(ConfigError.isInstance(micropay)).toBe(true);
    await tracker.stop();
  });

  it('the migration client: orders created on v2 are tracked through v3 reads', async () => {
    const client = createMigrationClient({ v2, v3, mode: 'v3-with-v2-fallback' });
    const tracker = createTracker({ client, schedule: FAST_SCHEDULE, onPaid: () => {} });
    await tracker.start();
    const no = orderNo('MIGR');
    await v2.createOrder(nativeOrder(no));
    await tracker.track(
      { outTradeNo: no },
      { expiresAt: new Date(Date.now() + 60_000), kind: 'native' },
    );
    expect((await paidByQuery(sim, tracker, no)).state).toBe('SUCCESS');
    // Its bills come from its `billClient` (v3 by default here): see migration-reconcile.test.ts.
    const report = await tracker.reconcile({ billDate: today(sim) });
    expect(report).toMatchObject({ matched: 1, clean: true });
    await tracker.stop();
  });
});
