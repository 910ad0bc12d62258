/**
 * Case J: `@wxpay/tracker` on its Redis (BullMQ) backend against the simulator over loopback.
 * The parent owns Redis, the simulator (which keeps every order, so its memory is not the
 * tracker's) and the payer; the tracker runs in its own process (`tracker-worker.ts`). Four
 * phases, each on a fresh tracker with its own key prefix:
 *   throughput   createOrder, track, and settling paid orders (notification → onPaid);
 *   round trips  the same with a MONITOR connection counting what Redis runs, per order;
 *   latency      payment → onPaid when the notification is dropped (found by querying);
 *   memory       heap after forced GCs while 100 000 orders are tracked at once (a tenth settled).
 */
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { DEFAULT_SCHEDULE, type TrackerSchedule } from '@wxpay/tracker';
import { type ForkedChild, forkChild } from '../fork-child.js';
import {
  type CommandCounts,
  startCommandTally,
  totalCommandCalls,
  usedMemory,
} from './command-tally.js';
import { type BenchRedis, redisServerVersion, startBenchRedis } from './redis-process.js';
import {
  benchOrderNo,
  type TrackerCounters,
  type TrackerCreate,
  type TrackerCreated,
  type TrackerHeap,
  type TrackerPaidTimes,
} from './tracker-job.js';

/** Options of {@link runTracker}. */
export interface TrackerCaseOptions {
  readonly quick: boolean;
  /** Orders of the memory phase (default 100 000; `--quick` at most 1 500). */
  readonly memoryOrders: number;
  /** Time cap of the memory phase, ms. */
  readonly memoryMaxMs: number;
  readonly log: (line: string) => void;
}

/** One timed batch of the throughput phase. */
export interface TrackerRate {
  readonly what: string;
  readonly orders: number;
  readonly perSecond: number;
  /** CPU of the tracker process per order, µs. */
  readonly cpuUs: number;
  /** Commands Redis ran per order (INFO commandstats, scripts' inner commands included). */
  readonly serverCommands: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** Round trips of one phase, per order. */
export interface TrackerTrips {
  readonly phase: string;
  readonly orders: number;
  readonly counts: CommandCounts;
}

/** A memory reading of the memory phase. */
export interface TrackerMemoryRow {
  /** Orders tracked so far (one in ten of them paid and settled). */
  readonly orders: number;
  readonly elapsedMs: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly redisMb: number;
}

/** Everything case J measured, or why it did not run. */
export type TrackerCaseResult =
  | { readonly skipped: string }
  | {
      readonly skipped?: undefined;
      readonly redisVersion: string;
      readonly rates: readonly TrackerRate[];
      readonly trips: readonly TrackerTrips[];
      readonly latency: {
        readonly orders: number;
        readonly dropped: number;
        readonly schedule: TrackerSchedule;
        readonly payWindowMs: number;
        readonly boundMs: number;
        /** Payment → onPaid of each order, ms, ascending. */
        readonly ms: readonly number[];
      };
      readonly memory: {
        readonly requested: number;
        readonly capMs: number;
        readonly rows: readonly TrackerMemoryRow[];
      };
    };

const CONCURRENCY = 32;
/** Payments whose onPaid has not run yet, at most (a burst would overflow the notify endpoint). */
const PAY_WINDOW = 128;
/**
 * The schedule of the throughput, round-trip and memory phases: the first query an hour away,
 * so nothing but the measured path (creation, notification → onPaid) runs; the latency phase
 * measures the queries.
 */
const QUIET: Partial<TrackerSchedule> = { firstQueryMs: 3_600_000 };
/** One order in this many of the memory phase is paid (and settles); the rest stay open. */
const PAID_SHARE = 10;
const mb = (bytes: number) => bytes / 1024 / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The default schedule with every interval divided by `factor` (the quick run). */
function compressed(factor: number): TrackerSchedule {
  const s = { ...DEFAULT_SCHEDULE };
  for (const k of Object.keys(s) as (keyof TrackerSchedule)[]) s[k] = s[k] / factor;
  return s;
}

/** The parent's handle on the tracker process. */
function trackerProcess(child: ForkedChild) {
  const counters = async () =>
    (await child.request({ type: 'counters' }, 'counters')) as unknown as TrackerCounters;
  return {
    counters,
    open: (prefix: string, schedule: Partial<TrackerSchedule>, recordTimes = false) =>
      child.request({ type: 'open', prefix, schedule, recordTimes }, 'opened'),
    create: async (job: Omit<TrackerCreate, 'type' | 'concurrency'>, concurrency = CONCURRENCY) =>
      (await child.request(
        { type: 'create', concurrency, ...job },
        'created',
      )) as unknown as TrackerCreated,
    heap: async () => (await child.request({ type: 'heap' }, 'heap')) as unknown as TrackerHeap,
    paidTimes: async () =>
      ((await child.request({ type: 'paid-times' }, 'paid-times')) as unknown as TrackerPaidTimes)
        .times,
    /** The payer pays orders `tag` from…from+count (notifications delivered), paced; resolves when every onPaid ran. */
    async payAll(sim: Simulator, tag: string, from: number, count: number, timeoutMs: number) {
      const base = (await counters()).paid;
      const deadline = Date.now() + timeoutMs;
      let sent = 0;
      for (;;) {
        const done = (await counters()).paid - base;
        if (done >= count) return;
        if (Date.now() > deadline) {
          throw new Error(`case J: ${done} of ${count} orders paid within ${timeoutMs} ms`);
        }
        while (sent < count && sent - done < PAY_WINDOW) sim.pay(benchOrderNo(tag, from + sent++));
        await sleep(2);
      }
    },
  };
}

/** Runs case J; skipped (not failed) when `redis-server` is not installed. */
export async function runTracker(options: TrackerCaseOptions): Promise<TrackerCaseResult> {
  const redisVersion = redisServerVersion();
  if (!redisVersion) return { skipped: 'redis-server not installed' };
  let redis: BenchRedis | undefined;
  let sim: Simulator | undefined;
  let child: ForkedChild | undefined;
  try {
    redis = await startBenchRedis();
    sim = await startSimulator();
    child = forkChild(new URL('tracker-worker.js', import.meta.url), ['--expose-gc']);
    await child.request(
      {
        type: 'init',
        simUrl: sim.url,
        appId: sim.merchant.appId,
        mchId: sim.merchant.mchId,
        apiKey: sim.merchant.apiKey,
        redisPort: redis.port,
      },
      'ready',
    );
    const rig: Rig = { t: trackerProcess(child), sim, redis, options };
    const rates = await throughputPhase(rig);
    const trips = await tripsPhase(rig);
    const latency = await latencyPhase(rig);
    const memory = await memoryPhase(rig);
    return { redisVersion, rates, trips, latency, memory };
  } finally {
    if (child && child.child.exitCode === null) {
      child.child.send({ type: 'exit' });
      await child.next().catch(() => undefined);
    }
    await sim?.stop();
    await redis?.stop();
  }
}

/** What every phase works with. */
interface Rig {
  readonly t: ReturnType<typeof trackerProcess>;
  readonly sim: Simulator;
  readonly redis: BenchRedis;
  readonly options: TrackerCaseOptions;
}

async function throughputPhase({ t, sim, redis, options }: Rig): Promise<TrackerRate[]> {
  const orders = options.quick ? 200 : 4_000;
  options.log(`case J throughput (${orders} orders) …`);
  await t.open('j-rate', QUIET);
  // Warm-up (untimed): connections, JIT, BullMQ's scripts loaded.
  const warm = options.quick ? 100 : 300;
  await t.create({ tag: 'JW', from: 0, count: warm, via: 'client' });
  await t.create({ tag: 'JX', from: 0, count: warm, via: 'createOrder' });
  const rates: TrackerRate[] = [];
  const timed = async (what: string, run: () => Promise<Partial<TrackerCreated>>) => {
    const calls0 = await totalCommandCalls(redis.admin);
    const c0 = await t.counters();
    const t0 = performance.now();
    const r = await run();
    const elapsedMs = r.elapsedMs ?? performance.now() - t0;
    const c1 = await t.counters();
    const calls1 = await totalCommandCalls(redis.admin);
    rates.push({
      what,
      orders,
      perSecond: (orders / elapsedMs) * 1000,
      cpuUs: (c1.cpuUs - c0.cpuUs) / orders,
      // Minus the INFO call itself.
      serverCommands: (calls1 - calls0 - 1) / orders,
      errors: r.errors ?? 0,
      ...(r.firstError ? { firstError: r.firstError } : {}),
    });
  };
  await timed('createOrder (order recorded, created at WeChat Pay)', () =>
    t.create({ tag: 'JR', from: 0, count: orders, via: 'createOrder' }),
  );
  await timed('baseline: the v2 client alone, createOrder (no tracker)', () =>
    t.create({ tag: 'JP', from: 0, count: orders, via: 'client' }),
  );
  await timed('settle (paid; notification → notify → worker → onPaid)', async () => {
    await t.payAll(sim, 'JR', 0, orders, 120_000);
    return {};
  });
  // Orders created at WeChat Pay first (untimed), then tracked: the query in `track` counts.
  await timed('track (existing order: query, record)', () =>
    t.create({ tag: 'JT', from: 0, count: orders, via: 'track' }),
  );
  return rates;
}

async function tripsPhase({ t, sim, redis, options }: Rig): Promise<TrackerTrips[]> {
  const orders = options.quick ? 100 : 1_000;
  options.log(`case J round trips (${orders} orders, MONITOR) …`);
  await t.open('j-trips', QUIET);
  const tally = await startCommandTally(redis.port);
  try {
    const trips: TrackerTrips[] = [];
    // Each phase ends with a quiet moment so the work it caused (job bookkeeping) is counted in it.
    const phase = async (name: string, run: () => Promise<unknown>) => {
      tally.take();
      await run();
      await sleep(300);
      trips.push({ phase: name, orders, counts: tally.take() });
    };
    await phase('createOrder', () =>
      t.create({ tag: 'JB', from: 0, count: orders, via: 'createOrder' }),
    );
    await phase('settle', () => t.payAll(sim, 'JB', 0, orders, 120_000));
    await phase('track', () => t.create({ tag: 'JC', from: 0, count: orders, via: 'track' }));
    return trips;
  } finally {
    await tally.stop();
  }
}

async function latencyPhase({
  t,
  sim,
  options,
}: Rig): Promise<Extract<TrackerCaseResult, { redisVersion: string }>['latency']> {
  const { quick, log } = options;
  // The shipped schedule in a full run; ten times faster in --quick (the bound scales with it).
  const schedule = quick ? compressed(10) : DEFAULT_SCHEDULE;
  const orders = quick ? 40 : 150;
  // Payments fall within the early period, where queries are `earlyIntervalMs` apart.
  const payWindowMs = Math.min(schedule.earlyPeriodMs, 2 * schedule.earlyIntervalMs);
  const boundMs = Math.max(schedule.firstQueryMs, schedule.earlyIntervalMs);
  log(`case J latency (${orders} orders, notifications dropped, ~${payWindowMs / 1000} s) …`);
  await t.open('j-late', schedule, true);
  const nos = Array.from({ length: orders }, (_, i) => benchOrderNo('JL', i));
  sim.notifications.drops.add(...nos);
  const dropped0 = sim.notifications.drops.dropped.length;
  const base = (await t.counters()).paid;
  const created = await t.create({ tag: 'JL', from: 0, count: orders, via: 'createOrder' }, 8);
  const paidAt = new Map<string, number>();
  // Spread over the window by a fixed sequence (the same in every run).
  const timers = nos.map((no, i) =>
    setTimeout(
      () => {
        sim?.pay(no);
        paidAt.set(no, Date.now());
      },
      Math.max(0, (created.createdAt[i] ?? 0) + ((i * 0.618_034) % 1) * payWindowMs - Date.now()),
    ),
  );
  try {
    const deadline = Date.now() + payWindowMs + 2 * boundMs + 10_000;
    while ((await t.counters()).paid - base < orders) {
      if (Date.now() > deadline)
        throw new Error('case J: dropped-notification orders not all paid');
      await sleep(50);
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  const times = await t.paidTimes();
  const ms = nos
    .map((no) => (times[no] ?? Number.NaN) - (paidAt.get(no) ?? Number.NaN))
    .sort((a, b) => a - b);
  return {
    orders,
    dropped: sim.notifications.drops.dropped.length - dropped0,
    schedule,
    payWindowMs,
    boundMs,
    ms,
  };
}

async function memoryPhase({
  t,
  sim,
  redis,
  options,
}: Rig): Promise<Extract<TrackerCaseResult, { redisVersion: string }>['memory']> {
  const requested = options.quick ? Math.min(options.memoryOrders, 1_500) : options.memoryOrders;
  const chunk = Math.max(1, Math.min(5_000, Math.ceil(requested / 20)));
  options.log(`case J memory (${requested} orders, cap ${options.memoryMaxMs / 1000} s) …`);
  // All of them stay tracked at once: the first query is an hour away (the shipped schedule
  // would have the worker query 100 000 open orders every 10 s); a tenth is paid and settles.
  await t.open('j-mem', QUIET);
  const rows: TrackerMemoryRow[] = [];
  const redis0 = await usedMemory(redis.admin);
  const t0 = Date.now();
  const snapshot = async (orders: number) => {
    const h = await t.heap();
    const redisMb = mb((await usedMemory(redis.admin)) - redis0);
    rows.push({ orders, elapsedMs: Date.now() - t0, ...h, redisMb });
    options.log(
      `  J memory ${orders} orders: heap ${h.heapUsedMb.toFixed(1)} MB, RSS ${h.rssMb.toFixed(1)} MB, Redis +${redisMb.toFixed(1)} MB`,
    );
  };
  await snapshot(0);
  const everyOrders = Math.max(chunk, Math.ceil(requested / 10));
  let lastSnapshot = 0;
  let done = 0;
  // Creation of the next chunk overlaps the payments of the previous one.
  let paying: Promise<void> = Promise.resolve();
  while (done < requested && Date.now() - t0 < options.memoryMaxMs) {
    const count = Math.min(chunk, requested - done);
    const from = done;
    const created = await t.create({ tag: 'JM', from, count, via: 'createOrder' });
    if (created.errors > 0) throw new Error(`case J memory: ${created.firstError}`);
    await paying;
    paying = t.payAll(sim, 'JM', from, Math.ceil(count / PAID_SHARE), 120_000);
    done += count;
    if (done - lastSnapshot >= everyOrders) {
      await paying;
      lastSnapshot = done;
      await snapshot(done);
    }
  }
  await paying;
  if (lastSnapshot !== done) await snapshot(done);
  return { requested, capMs: options.memoryMaxMs, rows };
}
