/**
 * One client of cases F and G, run in a fresh process so that its CPU time and RSS are its own.
 * The parent sends a {@link WorkerJob}; the worker builds the contestant (`contestants/`),
 * checks one reply for correctness, warms up, then keeps `concurrency` requests in flight for
 * each measurement window (F) or for a fixed number of requests (G).
 */
import { buildClient } from './contestants/index.js';
import type { Call, SoakSnapshot, WindowResult, WorkerJob, WorkerResult } from './e2e-job.js';

export { buildClient } from './contestants/index.js';
export type { E2eContestant, WindowResult, WorkerJob, WorkerResult } from './e2e-job.js';

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Keeps `concurrency` calls in flight until `until()` says stop. */
async function drive(
  call: Call,
  concurrency: number,
  until: (done: number) => boolean,
  onDone: (done: number) => void,
): Promise<{ done: number; errors: number; firstError?: string }> {
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (!until(done)) {
      try {
        await call();
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 100) throw new Error(`too many errors: ${firstError}`);
      }
      done++;
      onDone(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { done, errors, ...(firstError ? { firstError } : {}) };
}

/** Keeps the job's load for its warm-up time, then collects garbage (when exposed). */
async function warmUp(call: Call, job: WorkerJob): Promise<void> {
  const warmEnd = performance.now() + job.warmupMs;
  await drive(
    call,
    job.concurrency,
    () => performance.now() >= warmEnd,
    () => {},
  );
  (globalThis as { gc?: () => void }).gc?.();
}

/** Builds the contestant and checks one reply; `checkFailure` says what was wrong. */
async function buildChecked(job: WorkerJob): Promise<{ call: Call; checkFailure?: string }> {
  const { call, check } = await buildClient(job);
  let checkFailure: string | undefined;
  try {
    checkFailure = check(await call());
  } catch (error) {
    checkFailure = `request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return checkFailure ? { call, checkFailure } : { call };
}

async function run(job: WorkerJob): Promise<WorkerResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { call, checkFailure } = await buildChecked(job);
  const empty = {
    type: 'result' as const,
    requests: 0,
    errors: 0,
    elapsedMs: 0,
    cpuPerRequestUs: Number.NaN,
    peakRssMb: Number.NaN,
    baselineRssMb: Number.NaN,
    snapshots: [],
  };
  if (checkFailure) return { ...empty, checkFailure };

  await warmUp(call, job);
  const baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const snapshots: SoakSnapshot[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: { done: number; errors: number; firstError?: string };
  if (job.mode === 'e2e') {
    const end = t0 + job.durationMs;
    outcome = await drive(
      call,
      job.concurrency,
      () => performance.now() >= end,
      () => {},
    );
  } else {
    const every = Math.max(1, Math.floor(job.soakRequests / 10));
    // Each reading follows a forced full GC, so a leak shows as a rising heap and garbage
    // not yet collected does not.
    const snap = (n: number) => {
      gc?.();
      const m = process.memoryUsage();
      snapshots.push({
        requests: n,
        elapsedMs: performance.now() - t0,
        rssMb: mb(m.rss),
        heapUsedMb: mb(m.heapUsed),
      });
    };
    snap(0);
    const deadline = t0 + job.soakMaxMs;
    let started = 0;
    let lastSnap = t0;
    outcome = await drive(
      call,
      job.concurrency,
      () => started++ >= job.soakRequests || performance.now() >= deadline,
      (n) => {
        // Every tenth of the requests, and every 10 s (a slow machine still shows the trend).
        if (n % every === 0 || performance.now() - lastSnap >= 10_000) {
          lastSnap = performance.now();
          snap(n);
        }
      },
    );
    gc?.();
    snap(outcome.done);
  }
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    type: 'result',
    requests: outcome.done,
    errors: outcome.errors,
    ...(outcome.firstError ? { firstError: outcome.firstError } : {}),
    elapsedMs,
    cpuPerRequestUs: (cpu.user + cpu.system) / Math.max(1, outcome.done),
    peakRssMb: mb(peakRss),
    baselineRssMb: mb(baselineRss),
    snapshots,
  };
}

/**
 * Case F protocol: build, check and warm up once, answer `ready`, then run one measurement
 * window per `window` message, so the parent can interleave short windows of every
 * contestant (load from other processes then spreads over all of them alike).
 */
async function serveWindows(job: WorkerJob): Promise<void> {
  const send = (msg: unknown) =>
    new Promise<void>((resolve) => process.send?.(msg, () => resolve()));
  const { call, checkFailure } = await buildChecked(job);
  if (checkFailure) {
    await send({ type: 'ready', checkFailure });
    process.exit(0);
  }
  await warmUp(call, job);
  process.on('message', (msg: { type: 'window'; durationMs: number } | { type: 'exit' }) => {
    if (msg.type === 'exit') process.exit(0);
    void (async () => {
      let peakRss = process.memoryUsage.rss();
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 20);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const end = t0 + msg.durationMs;
      const outcome = await drive(
        call,
        job.concurrency,
        () => performance.now() >= end,
        () => {},
      );
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await send({
        type: 'window',
        requests: outcome.done,
        errors: outcome.errors,
        ...(outcome.firstError ? { firstError: outcome.firstError } : {}),
        elapsedMs,
        cpuUs: cpu.user + cpu.system,
        peakRssMb: mb(peakRss),
      } satisfies WindowResult);
    })();
  });
  await send({ type: 'ready' });
}

if (process.send) {
  process.once('message', (job: WorkerJob) => {
    if (job.mode === 'e2e') {
      serveWindows(job).catch((error: unknown) => {
        process.send?.(
          { type: 'ready', checkFailure: error instanceof Error ? error.message : String(error) },
          () => process.exit(1),
        );
      });
      return;
    }
    run(job).then(
      (result) => {
        process.send?.(result, () => process.exit(0));
      },
      (error: unknown) => {
        process.send?.(
          { type: 'error', message: error instanceof Error ? error.message : String(error) },
          () => process.exit(1),
        );
      },
    );
  });
}
