import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { createTracker, type Tracker } from '@wxpay/tracker';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../tracker/test/support/redis-server.js';
import { EXIT } from '../src/io.js';
import { runCli } from './run-cli.js';

let sim: Simulator;
let redis: TestRedis;
let client: V2Client;
let v2Args: string[];
let trackerArgs: string[];
const paid = 'CLIPAID0001';
const oneSided = 'CLIONESIDED1';

const order = (outTradeNo: string) => ({
  kind: 'native' as const,
  outTradeNo,
  description: 'cli',
  amount: { total: 420 },
  clientIp: '127.0.0.1',
});

async function settle(tracker: Tracker, outTradeNo: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await tracker.status({ outTradeNo }))?.phase !== 'settled') {
    if (Date.now() > deadline) throw new Error(`${outTradeNo} did not settle`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [sim, redis] = await Promise.all([startSimulator(), startTestRedis()]);
  const m = sim.merchant;
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-tracker-'));
  writeFileSync(join(dir, 'api-key'), m.apiKey);
  v2Args = ['--mch-id', m.mchId, '--app-id', m.appId, '--base-url', sim.url];
  v2Args.push('--api-key-file', join(dir, 'api-key'), '--protocol', 'v2');
  trackerArgs = ['--redis', `127.0.0.1:${redis.port}`, '--prefix', 'cli'];
  client = createV2Client({
    appId: m.appId,
    mchId: m.mchId,
    apiKey: m.apiKey,
    baseUrl: sim.url,
    notifyUrl: 'http://127.0.0.1:9/notify',
  });
  // One order paid and fulfilled; one paid while the tracker was down and its notification lost.
  const tracker = createTracker({
    client,
    backend: { redis: { host: redis.host, port: redis.port, prefix: 'cli' } },
    schedule: { firstQueryMs: 100, earlyIntervalMs: 100 },
    onPaid: () => {},
  });
  await tracker.start();
  await tracker.createOrder(order(paid));
  sim.pay(paid);
  await settle(tracker, paid);
  await tracker.createOrder(order(oneSided));
  await tracker.stop();
  sim.notifications.drops.add(oneSided);
  sim.pay(oneSided);
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
  await redis?.dispose();
});

describe('wxpay track status', () => {
  it('prints the counts, or one order as the tracker sees it', async () => {
    const counts = await runCli(['track', 'status', ...trackerArgs, '--json']);
    expect(counts.code).toBe(EXIT.ok);
    expect(JSON.parse(counts.stdout)).toEqual({ open: 1, settled: 1, failed: 0 });
    const one = await runCli(['track', 'status', ...trackerArgs, '--out-trade-no', paid]);
    expect(one.code).toBe(EXIT.ok);
    expect(one.stdout).toMatch(/phase\s+settled/);
    expect(one.stdout).toMatch(/state\s+SUCCESS/);
    expect(one.stdout).toContain(`${paid}:paid`);
  });

  it('an unknown order exits 4; a missing --redis exits 2', async () => {
    const unknown = await runCli(['track', 'status', ...trackerArgs, '--out-trade-no', 'NOPE0001']);
    expect(unknown.code).toBe(EXIT.api);
    expect(unknown.stderr).toContain('not tracked: NOPE0001');
    const usage = await runCli(['track', 'status']);
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.stderr).toContain('--redis is required');
  });
});

describe('wxpay reconcile', () => {
  const day = () => new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);

  it('reports the 单边账 as a table, progress on stderr, exit 1 when not clean', async () => {
    const run = await runCli(['reconcile', '--date', day(), ...v2Args, ...trackerArgs]);
    expect(run.code).toBe(EXIT.failure);
    expect(run.stderr).toMatch(/done: 2 rows/);
    expect(run.stdout).toContain(`bill ${day()}: 2 rows, 1 matched`);
    expect(run.stdout).toMatch(new RegExp(`paid, not fulfilled\\s+${oneSided}\\s+420 fen`));
  });

  it('--json prints the typed report', async () => {
    const run = await runCli(['reconcile', '--date', day(), ...v2Args, ...trackerArgs, '--json']);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ rows: 2, matched: 1, clean: false });
    expect(report.paidNotFulfilled.map((p: { outTradeNo: string }) => p.outTradeNo)).toEqual([
      oneSided,
    ]);
  });

  it('a malformed date is a usage-level error (exit 3, ValidationError)', async () => {
    const run = await runCli(['reconcile', '--date', '2024-13-01', ...v2Args]);
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain('billDate must be a calendar date');
  });
});
