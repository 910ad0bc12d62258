import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAOS_SCHEDULE,
  type ChaosConfig,
  checkOutcomes,
  createAll,
  type LoggedCall,
  planOrders,
  settleAll,
} from './support/chaos-plan.js';
import { type Harness, nativeOrder, startHarness } from './support/harness.js';
import { waitUntil } from './support/notify-endpoint.js';
import { startTestRedis, type TestRedis } from './support/redis-server.js';

const ORDERS = 2_000;
const LOCK_MS = 3_000;
const register = fileURLToPath(new URL('./support/ts-register.mjs', import.meta.url));
const workerScript = fileURLToPath(new URL('./support/chaos-worker.ts', import.meta.url));

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

function spawnWorker(config: ChaosConfig): WorkerProcess {
  const child = spawn(process.execPath, ['--import', register, workerScript], {
    env: { ...process.env, CHAOS_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready`)));
  });
  return { child, ready };
}

async function terminate(w: WorkerProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!w || w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
  w.child.kill(signal);
  await exited;
}

describe('chaos run, Redis backend, two worker processes', () => {
  let h: Harness;
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
    h = await startHarness();
  });
  afterAll(async () => {
    for (const w of workers) await terminate(w, 'SIGKILL');
    await h?.stop();
    await redis?.dispose();
  });
  /** The workers' configuration, and this process's tracker (it creates and is notified). */
  const rig = (prefix: string, hangOn?: readonly string[]) => {
    const config: ChaosConfig = {
      simUrl: h.sim.url,
      merchant: h.sim.merchant,
      redisPort: redis.port,
      prefix,
      lockDurationMs: LOCK_MS,
      schedule: CHAOS_SCHEDULE,
      ...(hangOn ? { hangOn } : {}),
    };
    const tracker = h.tracker({
      backend: { redis: { host: redis.host, port: redis.port, prefix } },
      schedule: CHAOS_SCHEDULE,
    });
    return { config, tracker };
  };

  it(`${ORDERS} orders of every outcome, one worker SIGKILLed mid-run and restarted: all final, each effect once`, {
    timeout: 150_000,
  }, async () => {
    const prefix = 'chaos';
    // This process creates orders and receives notifications; only the children work.
    const { config, tracker } = rig(prefix);
    const first = spawnWorker(config);
    const second = spawnWorker(config);
    workers.push(first, second);
    await Promise.all([first.ready, second.ready]);

    const orders = planOrders(ORDERS, 'RDS');
    let restarted: WorkerProcess | undefined;
    const payers = await createAll(h, tracker, orders, 60, async (created) => {
      if (restarted || created < ORDERS * 0.4) return;
      await terminate(first, 'SIGKILL');
      restarted = spawnWorker(config);
      workers.push(restarted);
    });
    await Promise.all(payers);
    await restarted?.ready;
    const refunds = await settleAll(h, tracker, orders);
    await Promise.all([terminate(second, 'SIGTERM'), terminate(restarted, 'SIGTERM')]);

    const inspect = new Redis({ host: redis.host, port: redis.port });
    const calls = (await inspect.lrange(`${prefix}:chaos:calls`, 0, -1)).map(
      (line) => JSON.parse(line) as LoggedCall,
    );
    const effects = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await inspect.scan(
        cursor,
        'MATCH',
        `${prefix}:chaos:effect:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const k of keys) effects.add(k.slice(`${prefix}:chaos:effect:`.length));
    } while (cursor !== '0');
    await inspect.quit();

    // One schedule step, plus the killed worker's claims lapsing (lock, then the stalled-job
    // check: 2 × LOCK_MS), plus the close itself on a machine the whole suite shares.
    const bound = (CHAOS_SCHEDULE.intervalMs ?? 0) + 2 * LOCK_MS + 3_000;
    const { problems, repeatedCalls, latestCloseMs } = await checkOutcomes(
      h,
      tracker,
      orders,
      calls,
      effects,
      bound,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    // Both original workers and the restarted one did work; the kill hit a busy worker.
    const pids = new Set(calls.map((c) => c.pid));
    expect(pids.has(first.child.pid)).toBe(true);
    expect(pids.has(second.child.pid)).toBe(true);
    expect(pids.has(restarted?.child.pid)).toBe(true);
    expect(await tracker.summary()).toEqual({ open: 0, settled: ORDERS + refunds, failed: 0 });
    console.info(
      `chaos (Redis): ${calls.length} callback calls, ${repeatedCalls} repeated after the crash, ` +
        `latest close ${latestCloseMs} ms after expiry`,
    );
  });

  it('a worker killed inside onPaid: another worker calls it again with the same key; the effect happens once', {
    timeout: 60_000,
  }, async () => {
    const prefix = 'crash';
    const no = 'CRASH000001';
    const { config, tracker } = rig(prefix, [no]);
    const doomed = spawnWorker(config);
    workers.push(doomed);
    await doomed.ready;
    await tracker.createOrder(nativeOrder(no));
    h.sim.pay(no);
    const inspect = new Redis({ host: redis.host, port: redis.port });
    const calls = async () =>
      (await inspect.lrange(`${prefix}:chaos:calls`, 0, -1)).map(
        (l) => JSON.parse(l) as LoggedCall,
      );
    await waitUntil(async () => (await calls()).length === 1, 10_000, 'the first onPaid call');
    await terminate(doomed, 'SIGKILL');
    const survivor = spawnWorker(config);
    workers.push(survivor);
    await survivor.ready;
    await waitUntil(
      async () => (await tracker.status({ outTradeNo: no }))?.phase === 'settled',
      20_000,
      'the order to settle on the surviving worker',
    );
    await terminate(survivor, 'SIGTERM');
    expect((await calls()).map((c) => [c.key, c.attempt, c.pid])).toEqual([
      [`${no}:paid`, 1, doomed.child.pid],
      [`${no}:paid`, 2, survivor.child.pid],
    ]);
    expect(await inspect.get(`${prefix}:chaos:effect:${no}:paid`)).toBe(String(survivor.child.pid));
    await inspect.quit();
  });
});
