import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus, ReconcileProgress, ReconcileReport } from '../src/index.js';
import { type Harness, nativeOrder, orderNo, startHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';
import { startTestRedis, type TestRedis } from './support/redis-server.js';

const ROWS = 100_000;
const register = fileURLToPath(new URL('./support/ts-register.mjs', import.meta.url));
const script = fileURLToPath(new URL('./support/reconcile-worker.ts', import.meta.url));

interface ChildResult {
  readonly report: ReconcileReport;
  readonly progress: ReconcileProgress[];
  readonly heapGrowthBytes: number;
}

async function reconcileInChild(env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', register, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`reconcile worker exited with ${code}`);
  return JSON.parse(out) as ChildResult;
}

const beijingDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

describe('T+1 reconciliation', () => {
  let h: Harness;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.dispose();
  });

  it(`finds a planted 单边账 and an amount mismatch in a ${ROWS.toLocaleString('en')}-row bill, streaming in flat memory`, {
    timeout: 120_000,
  }, async () => {
    const prefix = 'rec';
    const backend = { redis: { host: redis.host, port: redis.port, prefix } };
    const first = h.tracker({ backend });
    await first.start();
    // Ordinary days: 20 orders paid, notified, fulfilled.
    const normal = Array.from({ length: 20 }, () => orderNo('OK'));
    for (const no of normal) await first.createOrder(nativeOrder(no, 250));
    for (const no of normal) h.sim.pay(no);
    // The merchant expected 100 fen; the order at WeChat Pay was made for 120.
    const mismatch = orderNo('AMT');
    await h.client.createOrder(nativeOrder(mismatch, 120));
    await first.track(
      { outTradeNo: mismatch },
      { expiresAt: new Date(Date.now() + 3_600_000), kind: 'native', expectedTotal: 100 },
    );
    h.sim.pay(mismatch);
    await waitUntil(
      async () => (await first.summary()).settled === normal.length + 1,
      20_000,
      'the ordinary orders to be fulfilled',
    );
    // 单边账: paid at WeChat Pay, notification lost, and the tracker was down.
    const oneSided = orderNo('ONE');
    await first.createOrder(nativeOrder(oneSided, 300));
    await first.stop();
    h.sim.notifications.drops.add(oneSided);
    h.sim.pay(oneSided);
    const tracked = normal.length + 2;
    h.sim.plantPaidOrders({ count: ROWS - tracked, prefix: 'HIST' });

    const { report, progress, heapGrowthBytes } = await reconcileInChild({
      RECONCILE_CONFIG: JSON.stringify({
        simUrl: h.sim.url,
        merchant: h.sim.merchant,
        redisPort: redis.port,
        prefix,
        billDate: beijingDay(h.sim.now()),
      }),
    });

    expect(report.rows).toBe(ROWS);
    expect(report.matched).toBe(normal.length);
    expect(report.paidNotFulfilled).toEqual([
      expect.objectContaining({
        outTradeNo: oneSided,
        total: 300,
        trackedState: 'NOTPAY',
        rescheduled: true,
      }),
    ]);
    expect(report.amountMismatches).toEqual([
      expect.objectContaining({ outTradeNo: mismatch, total: 120, expectedTotal: 100 }),
    ]);
    expect(report.fulfilledNotInBill).toEqual([]);
    expect(report.refundsMissingInTracker).toEqual([]);
    expect(report.refundsMissingInBill).toEqual([]);
    expect(report.untracked.count).toBe(ROWS - tracked);
    expect(report.untracked.sample).toHaveLength(100);
    expect(report.clean).toBe(false);
    // Progress while streaming, every 10,000 rows, then once at the end.
    expect(progress.map((p) => p.rows)).toEqual([
      ...Array.from({ length: ROWS / 10_000 }, (_, i) => (i + 1) * 10_000),
      ROWS,
    ]);
    const billBytes = progress.at(-1)?.bytes ?? 0;
    expect(billBytes).toBeGreaterThan(15_000_000);
    // Flat memory: the heap never grew by more than a fraction of the bill it read.
    expect(heapGrowthBytes).toBeLessThan(billBytes / 4);
    console.info(
      `reconcile: ${ROWS} rows, ${(billBytes / 1e6).toFixed(1)} MB of bill, ` +
        `retained heap growth ${(heapGrowthBytes / 1e6).toFixed(1)} MB`,
    );

    // The tracker comes back: the 单边账 order was made due, so onPaid runs at once.
    const second = h.tracker({ backend });
    await second.start();
    await waitUntil(
      async () =>
        ((await second.status({ outTradeNo: oneSided })) as OrderStatus)?.phase === 'settled',
      10_000,
      'the one-sided order to be fulfilled',
    );
    expect(h.calls.filter((c) => c.outTradeNo === oneSided).map((c) => c.key)).toEqual([
      `${oneSided}:paid`,
    ]);
    await second.stop();
  });
});
