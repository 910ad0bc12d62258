/**
 * Cases F and G: the orchestration. The signing server runs in one child process, each client
 * run in another fresh one, so neither the server's work nor a previous contestant's heap is
 * counted against a client.
 */
import type {
  E2eContestant,
  E2eOperation,
  WindowResult,
  WorkerJob,
  WorkerResult,
} from './e2e-job.js';
import type { KeyPems } from './fixtures.js';
import { type ForkedChild, forkChild } from './fork-child.js';

const here = new URL('.', import.meta.url);

/** The running loopback server. */
export interface SignServer {
  readonly origin: string;
  /** Signature-check counters since the previous call (the server resets them). */
  stats(): Promise<{ requests: number; checked: number; failed: number; lastFailure: string }>;
  close(): void;
}

/** Starts the signing server in a child process. */
export async function startSignServer(keys: KeyPems): Promise<SignServer> {
  const server = forkChild(new URL('sign-server.js', here));
  const ready = await server.request({ type: 'init', keys }, 'ready');
  return {
    origin: `http://127.0.0.1:${String(ready.port)}`,
    stats: async () => (await server.request({ type: 'stats' }, 'stats')) as never,
    close: () => {
      server.child.disconnect();
      server.child.kill();
    },
  };
}

/** Forks a client process of F or G and hands it its job. */
function forkWorker(job: Omit<WorkerJob, 'type'>): ForkedChild {
  const worker = forkChild(new URL('e2e-worker.js', here), ['--expose-gc']);
  worker.child.send({ type: 'run', ...job });
  return worker;
}

/** Runs one client job in a fresh process. */
export async function runWorker(job: Omit<WorkerJob, 'type'>): Promise<WorkerResult> {
  const m = await forkWorker(job).next();
  if (m.type === 'result') return m as unknown as WorkerResult;
  throw new Error(m.type === 'error' ? String(m.message) : `worker exited with code ${m.code}`);
}

/** One row of case F. */
export interface E2eRow {
  readonly caseName: string;
  readonly contestant: string;
  readonly baseline: boolean;
  /** Requests per second of each round. */
  readonly rates: number[];
  readonly cpuUs: number[];
  readonly peakRss: number[];
  readonly marks: string[];
  timed: boolean;
}

/** A row of case `caseName` for contestant `c`, nothing measured yet. */
export function newE2eRow(
  caseName: string,
  c: { readonly name: string; readonly baseline?: boolean; readonly mark?: string },
): E2eRow {
  return {
    caseName,
    contestant: c.name,
    baseline: c.baseline === true,
    rates: [],
    cpuUs: [],
    peakRss: [],
    marks: c.mark ? [c.mark] : [],
    timed: true,
  };
}

/** How a case measured in windows (F, I) runs them. */
export interface WindowedOptions {
  /** Measurement windows per contestant, interleaved. */
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

/** Options of {@link runE2e}. */
export interface E2eOptions extends WindowedOptions {
  readonly protocol: 'v2' | 'v3';
  /** Defaults to `query`. */
  readonly operation?: E2eOperation;
  readonly contestants: readonly { name: E2eContestant; baseline?: boolean; mark?: string }[];
}

/**
 * Runs case F for one protocol. Every contestant gets its own process (built, checked and
 * warmed up once); then short measurement windows run one at a time, round-robin over the
 * contestants, and the medians over the windows are reported.
 */
export async function runE2e(
  server: SignServer,
  keys: KeyPems,
  options: E2eOptions,
): Promise<E2eRow[]> {
  const operation = options.operation ?? 'query';
  const caseName = `F ${options.protocol} ${operation === 'create' ? 'create (Native)' : options.protocol === 'v3' ? 'query' : 'orderquery'} e2e`;
  const rows: E2eRow[] = [];
  const workers = new Map<E2eRow, ForkedChild>();
  for (const c of options.contestants) {
    const row = newE2eRow(caseName, c);
    rows.push(row);
    await server.stats();
    const worker = forkWorker({
      mode: 'e2e',
      protocol: options.protocol,
      operation,
      contestant: c.name,
      origin: server.origin,
      keys,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      soakRequests: 0,
      soakMaxMs: 0,
    });
    const ready = await worker.next();
    const stats = await server.stats();
    const failure =
      ready.type !== 'ready'
        ? `worker exited (${String(ready.code)})`
        : (ready.checkFailure as string | undefined);
    if (failure || stats.failed > 0) {
      row.timed = false;
      row.marks.unshift(
        failure ? `FAILED check: ${failure}` : `FAILED server check: ${stats.lastFailure}`,
      );
      worker.child.kill();
      continue;
    }
    workers.set(row, worker);
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const row of rows) {
      const worker = workers.get(row);
      if (!worker || !row.timed) continue;
      worker.child.send({ type: 'window', durationMs: options.durationMs });
      const result = await worker.next();
      const stats = await server.stats();
      if (result.type !== 'window') {
        row.timed = false;
        row.marks.unshift(`FAILED: worker exited (${String(result.code)})`);
        continue;
      }
      const w = result as unknown as WindowResult;
      if (stats.failed > 0) {
        row.timed = false;
        row.marks.unshift(`FAILED server check: ${stats.lastFailure}`);
        continue;
      }
      if (w.errors > 0) row.marks.push(`${w.errors} errors (${w.firstError})`);
      const rate = (w.requests / w.elapsedMs) * 1000;
      const cpu = w.cpuUs / Math.max(1, w.requests);
      row.rates.push(rate);
      row.cpuUs.push(cpu);
      row.peakRss.push(w.peakRssMb);
      options.log(
        `  ${caseName} window ${round + 1} ${row.contestant}: ${rate.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU/req, peak RSS ${w.peakRssMb.toFixed(1)} MB (server checked ${stats.checked})`,
      );
    }
  }
  for (const worker of workers.values()) worker.child.send({ type: 'exit' });
  return rows;
}

/** Runs case G: the wxpay v3 soak in a fresh process. */
export function runSoak(
  server: SignServer,
  keys: KeyPems,
  requests: number,
  maxMs: number,
  concurrency: number,
): Promise<WorkerResult> {
  return runWorker({
    mode: 'soak',
    protocol: 'v3',
    contestant: 'wxpay',
    origin: server.origin,
    keys,
    concurrency,
    warmupMs: 500,
    durationMs: 0,
    soakRequests: requests,
    soakMaxMs: maxMs,
  });
}
