/**
 * A small, dependency-free micro-benchmark harness. Contestants of one case are sampled
 * round-robin (sample 1 of every contestant, then sample 2, …) so that load from other
 * processes on a shared machine hits every contestant alike and the ratios stay meaningful.
 *
 * The primary figure is CPU time per operation (`process.cpuUsage`, all threads of the
 * process, so threadpool work of async crypto is counted too), not wall time: on a shared
 * machine a sample's wall time includes whatever time the scheduler gave to other processes.
 * Wall time is reported alongside.
 */

/** One benchmarked implementation of a case. */
export interface Contestant {
  /** Display name (`wxpay`, `raw`, `tenpay`, …). */
  readonly name: string;
  /** True for the baseline every ratio is computed against. */
  readonly baseline?: boolean;
  /** One operation. May return a promise; it is awaited before the next one starts. */
  readonly run: () => unknown;
  /**
   * Checks the contestant's output once before it is timed. Resolves with `undefined` when
   * correct, otherwise with the reason; a contestant whose check fails is not timed.
   */
  readonly check: () => Promise<string | undefined> | string | undefined;
  /**
   * Checks a safety property (e.g. a tampered tag is rejected). Resolves with `undefined`
   * when safe, otherwise with a short label such as `unsafe: skips GCM tag check`; the
   * contestant is still timed but marked.
   */
  readonly safety?: () => Promise<string | undefined> | string | undefined;
  /** Free-form note shown in the table (which API was used, …). */
  readonly note?: string;
}

/** Timing result of one contestant in one case. */
export interface Measurement {
  readonly caseName: string;
  readonly contestant: string;
  readonly baseline: boolean;
  /** CPU nanoseconds per operation (median of the samples). */
  readonly medianNs: number;
  /** Wall nanoseconds per operation (median of the samples). */
  readonly wallMedianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly opsPerSec: number;
  /** Baseline median / this median (> 1 = faster than the baseline). */
  ratio: number | undefined;
  /** Marks: `FAILED check: …`, `unsafe: …`, notes. */
  readonly marks: string[];
  readonly timed: boolean;
}

/** Options of {@link runCase}. */
export interface CaseOptions {
  /** Samples per contestant (default 11). */
  readonly samples?: number;
  /** Target duration of one sample in ms (default 25). */
  readonly sampleMs?: number;
  /** Warm-up time per contestant in ms (default 150). */
  readonly warmupMs?: number;
}

function nowNs(): number {
  return Number(process.hrtime.bigint());
}

async function runBatch(fn: () => unknown, n: number): Promise<number> {
  const start = nowNs();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  return nowNs() - start;
}

/** Runs a batch; returns [wall ns, CPU ns]. */
async function timeBatch(fn: () => unknown, n: number): Promise<[number, number]> {
  const cpu0 = process.cpuUsage();
  const wall = await runBatch(fn, n);
  const cpu = process.cpuUsage(cpu0);
  return [wall, (cpu.user + cpu.system) * 1000];
}

/** Calibrates a batch size so that one batch takes about `targetMs`. */
async function calibrate(fn: () => unknown, targetMs: number, warmupMs: number): Promise<number> {
  let n = 1;
  const warmEnd = Date.now() + warmupMs;
  let elapsed = 0;
  // Grow the batch until it is long enough to time, warming the JIT on the way.
  for (;;) {
    elapsed = await runBatch(fn, n);
    if (elapsed >= targetMs * 1e6 * 0.5 && Date.now() >= warmEnd) break;
    if (elapsed < targetMs * 1e6 * 0.5) n *= 2;
  }
  return Math.max(1, Math.round((n * targetMs * 1e6) / elapsed));
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Checks, then times every contestant of a case, round-robin. Ratios are filled against the
 * contestant flagged `baseline` (when it passed its own check).
 */
export async function runCase(
  caseName: string,
  contestants: readonly Contestant[],
  options: CaseOptions = {},
): Promise<Measurement[]> {
  const samples = options.samples ?? 21;
  const sampleMs = options.sampleMs ?? 12;
  const warmupMs = options.warmupMs ?? 150;
  const active: {
    c: Contestant;
    marks: string[];
    batch: number;
    times: number[];
    walls: number[];
  }[] = [];
  const results: Measurement[] = [];
  for (const c of contestants) {
    const marks: string[] = [];
    let failure: string | undefined;
    try {
      failure = await c.check();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (failure !== undefined) {
      results.push(blank(caseName, c, [`FAILED check: ${failure}`]));
      continue;
    }
    if (c.safety) {
      let unsafe: string | undefined;
      try {
        unsafe = await c.safety();
      } catch (error) {
        unsafe = `unsafe: safety probe threw (${error instanceof Error ? error.message : String(error)})`;
      }
      if (unsafe !== undefined) marks.push(unsafe);
    }
    if (c.note) marks.push(c.note);
    active.push({ c, marks, batch: 0, times: [], walls: [] });
  }
  for (const a of active) a.batch = await calibrate(a.c.run, sampleMs, warmupMs);
  for (let s = 0; s < samples; s++) {
    for (const a of active) {
      const [wall, cpu] = await timeBatch(a.c.run, a.batch);
      a.times.push(cpu / a.batch);
      a.walls.push(wall / a.batch);
    }
  }
  for (const a of active) {
    const med = median(a.times);
    results.push({
      caseName,
      contestant: a.c.name,
      baseline: a.c.baseline === true,
      medianNs: med,
      wallMedianNs: median(a.walls),
      minNs: Math.min(...a.times),
      maxNs: Math.max(...a.times),
      opsPerSec: 1e9 / med,
      ratio: undefined,
      marks: a.marks,
      timed: true,
    });
  }
  fillRatios(results);
  return orderLike(results, contestants);
}

function blank(caseName: string, c: Contestant, marks: string[]): Measurement {
  return {
    caseName,
    contestant: c.name,
    baseline: c.baseline === true,
    medianNs: Number.NaN,
    wallMedianNs: Number.NaN,
    minNs: Number.NaN,
    maxNs: Number.NaN,
    opsPerSec: Number.NaN,
    ratio: undefined,
    marks,
    timed: false,
  };
}

/** Sets `ratio` = baseline median / median for every timed row of one case. */
export function fillRatios(rows: Measurement[]): void {
  const base = rows.find((r) => r.baseline && r.timed);
  for (const r of rows) r.ratio = base && r.timed ? base.medianNs / r.medianNs : undefined;
}

function orderLike(rows: Measurement[], order: readonly Contestant[]): Measurement[] {
  const pos = new Map(order.map((c, i) => [c.name, i]));
  return rows.sort((a, b) => (pos.get(a.contestant) ?? 0) - (pos.get(b.contestant) ?? 0));
}

/** Formats nanoseconds with a readable unit. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** Formats an operations-per-second figure. */
export function formatOps(ops: number): string {
  if (!Number.isFinite(ops)) return '—';
  if (ops >= 100_000) return `${Math.round(ops / 1000)}k`;
  if (ops >= 1_000) return `${(ops / 1000).toFixed(1)}k`;
  return ops.toFixed(0);
}

/** Formats a ratio to the baseline. */
export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`;
}
