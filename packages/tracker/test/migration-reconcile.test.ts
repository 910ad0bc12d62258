import { createMigrationClient, type MigrationClientOptions } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker } from '../src/index.js';
import { FAST_SCHEDULE, nativeOrder, orderNo } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';

// Reconciliation through a migration client: the bill comes from the protocol the client names
// for bills, and lists the orders of both protocols (docs/migration-v2-to-v3.md).
let sim: Simulator;
let v2: V2Client;
let v3: V3Client;

beforeAll(async () => {
  sim = await startSimulator();
  const notifyUrl = 'https://127.0.0.1:9/notify';
  v2 = createV2Client(sim.clientConfig('v2', { notifyUrl }));
  v3 = createV3Client(
    sim.clientConfig('v3', { notifyUrl, wechatpayPublicKey: sim.merchant.wechatpayPublicKey }),
  );
});
afterAll(async () => {
  await Promise.all([v2.close(), v3.close()]);
  await sim.stop();
});

type Routing = Omit<MigrationClientOptions, 'v2' | 'v3'>;

describe('reconcile with the migration client', () => {
  it.each<{ routing: Routing; billPath: string }>([
    // Default: bills from the protocol that serves the calls, v3 here.
    { routing: { mode: 'v3-with-v2-fallback' }, billPath: '/v3/bill/tradebill' },
    { routing: { mode: 'v3-with-v2-fallback', bills: 'v2' }, billPath: '/pay/downloadbill' },
    { routing: { mode: 'shadow', primary: 'v2' }, billPath: '/pay/downloadbill' },
  ])(
    '$routing.mode, bills $routing.bills: one bill reconciles the orders of both protocols',
    async ({ routing, billPath }) => {
      const client = createMigrationClient({ v2, v3, ...routing });
      const tracker = createTracker({ client, schedule: FAST_SCHEDULE, onPaid: () => {} });
      await tracker.start();
      try {
        // One order created on v2 before the switch, one through the migration client.
        const fromV2 = orderNo('MRV2');
        await v2.createOrder(nativeOrder(fromV2, 201));
        await tracker.track(
          { outTradeNo: fromV2 },
          { expiresAt: new Date(Date.now() + 60_000), kind: 'native', expectedTotal: 201 },
        );
        const throughClient = orderNo('MRMC');
        await tracker.createOrder(nativeOrder(throughClient, 202));
        for (const no of [fromV2, throughClient]) {
          sim.notifications.drops.add(no);
          sim.pay(no);
        }
        await waitUntil(
          async () => {
            const states = await Promise.all(
              [fromV2, throughClient].map((no) => tracker.status({ outTradeNo: no })),
            );
            return states.every((s) => s?.phase === 'settled');
          },
          8_000,
          'both orders to settle',
        );
        const downloadsBefore = sim.requests.filter((r) => r.path === billPath).length;
        const billDate = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);
        const report = await tracker.reconcile({ billDate });
        expect(report).toMatchObject({
          matched: 2,
          paidNotFulfilled: [],
          fulfilledNotInBill: [],
          amountMismatches: [],
          clean: true,
        });
        expect(sim.requests.filter((r) => r.path === billPath)).toHaveLength(downloadsBefore + 1);
      } finally {
        await tracker.stop();
      }
    },
  );
});
