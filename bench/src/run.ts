/**
 * `pnpm bench`: every case in one run, each contestant checked for correctness before it is
 * timed, ratios against the raw baseline measured in the same run. Flags:
 *   --only=A,C,F   run only these cases (A B C D E F G H I J)
 *   --quick        fewer samples and shorter end-to-end runs (a smoke test, not a result)
 *   --soak=N       requests of the soak (default 100000); --soak-max-s=S caps its time (180)
 *   --rounds=N     end-to-end windows per contestant (default 7); --duration-s=S per window (0.7)
 *   --tracker-orders=N  orders of case J's memory phase (default 100000); --tracker-max-s=S (420)
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { v2BuildContestants } from './cases/v2-build.js';
import { v2ParseContestants } from './cases/v2-parse.js';
import { v3AuthContestants } from './cases/v3-auth.js';
import { v3DecryptContestants } from './cases/v3-decrypt.js';
import { v3PiecesContestants } from './cases/v3-pieces.js';
import { v3VerifyContestants } from './cases/v3-verify.js';
import { type E2eOptions, type E2eRow, runE2e, runSoak, startSignServer } from './e2e.js';
import {
  gcmFixture,
  generateKeys,
  toKeys,
  V3_POST_BODY,
  V3_POST_PATH,
  V3_QUERY_PATH,
} from './fixtures.js';
import { type CaseOptions, type Measurement, runCase } from './harness.js';
import { type NotifyOptions, runNotify } from './notify/run-notify.js';
import { loadWxpayInternals } from './peers.js';
import {
  e2eTable,
  machineLine,
  microTable,
  pairedRatio,
  soakReport,
  type Target,
  targetTable,
} from './report.js';
import { retainedBySignals } from './retained-by-signals.js';
import { runTracker } from './tracker/run-tracker.js';
import { trackerReport } from './tracker/tracker-report.js';

const { values: flags } = parseArgs({
  // `pnpm --filter @wxpay/bench run bench -- --quick` hands node the `--` too.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    soak: { type: 'string', default: '100000' },
    'soak-max-s': { type: 'string', default: '180' },
    rounds: { type: 'string' },
    'duration-s': { type: 'string' },
    'tracker-orders': { type: 'string', default: '100000' },
    'tracker-max-s': { type: 'string', default: '420' },
  },
});
const only = new Set((flags.only ?? 'A,B,C,D,E,F,G,H,I,J').toUpperCase().split(','));
const quick = flags.quick === true;
const micro: CaseOptions = quick
  ? { samples: 5, sampleMs: 10, warmupMs: 50 }
  : { samples: 13, sampleMs: 12, warmupMs: 100 };
const rounds = Number(flags.rounds ?? (quick ? 2 : 7));
const durationMs = Number(flags['duration-s'] ?? (quick ? 0.5 : 0.7)) * 1000;
const soakRequests = Number(flags.soak);
const soakMaxMs = Number(flags['soak-max-s']) * 1000;
const CONCURRENCY = 32;

/** The windows of an end-to-end case (F, I): rounds, their length, warm-up, load. */
const windows = (warmupMs: number) => ({
  rounds,
  durationMs,
  warmupMs,
  concurrency: CONCURRENCY,
  log,
});

/** Contestants of an end-to-end case, the baseline first. */
function lineup<N extends string>(baseline: N, ...others: (N | { name: N; mark: string })[]) {
  return [
    { name: baseline, baseline: true },
    ...others.map((o) => (typeof o === 'string' ? { name: o } : o)),
  ];
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const started = Date.now();

async function main(): Promise<void> {
  out('# wxpay benchmark');
  out();
  out(`Machine: ${machineLine()}`);
  out();
  log('generating RSA-2048 keys …');
  const pems = generateKeys();
  const keys = toKeys(pems);
  const internals = await loadWxpayInternals();
  const microRows: Measurement[] = [];
  const runMicro = async (label: string, rows: Promise<Measurement[]>) => {
    log(`case ${label} …`);
    const r = await rows;
    microRows.push(...r);
    return r;
  };

  const a: Record<string, Measurement[]> = {};
  if (only.has('A')) {
    for (const t of ['MD5', 'HMAC-SHA256'] as const) {
      a[t] = await runMicro(
        `A ${t}`,
        runCase(`A v2 build ${t}`, v2BuildContestants(t, internals.v2Post), micro),
      );
    }
  }
  const b: Record<string, Measurement[]> = {};
  if (only.has('B')) {
    for (const t of ['MD5', 'HMAC-SHA256'] as const) {
      b[t] = await runMicro(
        `B ${t}`,
        runCase(`B v2 parse+verify ${t}`, v2ParseContestants(t, internals.v2Response), micro),
      );
    }
  }
  if (only.has('C')) {
    await runMicro(
      'C GET',
      runCase(
        'C v3 Authorization GET',
        v3AuthContestants('GET', V3_QUERY_PATH, '', keys, internals.v3Request),
        micro,
      ),
    );
    await runMicro(
      'C POST',
      runCase(
        'C v3 Authorization POST',
        v3AuthContestants('POST', V3_POST_PATH, V3_POST_BODY, keys, internals.v3Request),
        micro,
      ),
    );
  }
  if (only.has('D')) {
    await runMicro('D', runCase('D v3 reply verify', v3VerifyContestants(keys), micro));
  }
  if (only.has('E')) {
    await runMicro(
      'E',
      runCase(
        'E v3 notification decrypt',
        v3DecryptContestants(gcmFixture(), pems.merchantPrivate),
        micro,
      ),
    );
  }
  if (only.has('H')) {
    await runMicro(
      'H',
      runCase('H v3 client steps', v3PiecesContestants(internals.v3Pieces), micro),
    );
  }
  if (microRows.length) {
    out('## Micro cases, one operation at a time (CPU time of the process per operation)');
    out();
    microTable(microRows);
    out();
  }
  if (only.has('H')) {
    const r = await retainedBySignals(20_000);
    out(
      `Heap still live after 20000 finished attempts (10 s attempt timeout): AbortSignal.timeout ${r.timeout.toFixed(1)} MB, core withRetry ${r.withRetry.toFixed(1)} MB.`,
    );
    out();
  }

  let f3: E2eRow[] = [];
  let f3c: E2eRow[] = [];
  let f2: E2eRow[] = [];
  if (only.has('F') || only.has('G')) {
    const server = await startSignServer(pems);
    try {
      if (only.has('F')) {
        const common = windows(quick ? 300 : 1200);
        const f = (
          label: string,
          job: Pick<E2eOptions, 'protocol' | 'operation' | 'contestants'>,
        ) => {
          log(`case ${label} …`);
          return runE2e(server, pems, { ...common, ...job });
        };
        f3 = await f('F v3', {
          protocol: 'v3',
          contestants: lineup(
            'raw-async',
            'raw-sync',
            'wxpay',
            {
              name: 'wechatpay-node-v3',
              mark: 'unsafe: skips check (query() returns no headers, reply never verified)',
            },
            'axios-plugin',
          ),
        });
        f3c = await f('F v3 create', {
          protocol: 'v3',
          operation: 'create',
          contestants: lineup('raw-async', 'raw-sync', 'wxpay'),
        });
        f2 = await f('F v2', {
          protocol: 'v2',
          contestants: lineup('raw-sync', 'wxpay', 'tenpay', 'axios-plugin'),
        });
        out(`## End to end over loopback (F), ${CONCURRENCY} requests in flight`);
        out();
        e2eTable([...f3, ...f3c, ...f2]);
        out();
      }
      if (only.has('G')) {
        log(`case G soak (${soakRequests} requests, cap ${soakMaxMs / 1000} s) …`);
        const soak = await runSoak(server, pems, soakRequests, soakMaxMs, CONCURRENCY);
        soakReport(soak, (await server.stats()).failed, soakRequests, soakMaxMs, CONCURRENCY);
      }
    } finally {
      server.close();
    }
  }

  let i3: E2eRow[] = [];
  let i2: E2eRow[] = [];
  if (only.has('I')) {
    const common = windows(quick ? 300 : 1000);
    const notify = (label: string, job: Pick<NotifyOptions, 'protocol' | 'contestants'>) => {
      log(`case ${label} …`);
      return runNotify(pems, { ...common, ...job });
    };
    i3 = await notify('I v3', {
      protocol: 'v3',
      contestants: lineup('raw', 'wxpay', 'wechatpay-node-v3'),
    });
    i2 = await notify('I v2', {
      protocol: 'v2',
      contestants: lineup('raw', 'wxpay', 'tenpay'),
    });
    out(
      `## Notification ingest over loopback (I), ${CONCURRENCY} in flight (CPU = the handler process)`,
    );
    out();
    e2eTable([...i3, ...i2]);
    out();
  }

  if (only.has('J')) {
    trackerReport(
      await runTracker({
        quick,
        memoryOrders: Number(flags['tracker-orders']),
        memoryMaxMs: Number(flags['tracker-max-s']) * 1000,
        log,
      }),
    );
  }

  const ratioOf = (rows: Measurement[] | undefined, name: string) =>
    rows?.find((r) => r.contestant === name)?.ratio;
  const x = (v: number) => `${v.toFixed(2)}×`;
  const atLeast = (name: string, value: number | undefined, min: number): Target => ({
    name: `${name} ≥ ${min}×`,
    value,
    pass: (v) => v >= min,
    show: x,
  });
  const atMost = (name: string, value: number | undefined, max: number): Target => ({
    name: `${name} ≤ ${max}×`,
    value,
    pass: (v) => v <= max,
    show: x,
  });
  const rate = (r: E2eRow) => r.rates;
  const cpu = (r: E2eRow) => r.cpuUs;
  // One end-to-end case: wxpay's rate at least `min`× the baseline's, its CPU at most 1.05×.
  const e2eTargets = (what: string, rows: E2eRow[], base: string, min: number): Target[] => [
    atLeast(`${what} end to end vs ${base}`, pairedRatio(rows, 'wxpay', base, rate), min),
    atMost(`${what} client CPU/request vs ${base}`, pairedRatio(rows, 'wxpay', base, cpu), 1.05),
  ];
  targetTable('Targets (issue 17; medians of paired windows), wxpay as shipped', [
    ...e2eTargets('v3 query', f3, 'raw-async', 0.95),
    ...e2eTargets('v3 create', f3c, 'raw-async', 0.95),
    ...e2eTargets('v2 orderquery', f2, 'raw-sync', 0.98),
    atLeast('v3 notification ingest vs raw', pairedRatio(i3, 'wxpay', 'raw', rate), 0.9),
    atLeast('v2 notification ingest vs raw', pairedRatio(i2, 'wxpay', 'raw', rate), 0.9),
    atLeast('v2 build MD5 vs raw', ratioOf(a.MD5, 'wxpay'), 0.9),
    atLeast('v2 build HMAC-SHA256 vs raw', ratioOf(a['HMAC-SHA256'], 'wxpay'), 0.9),
    atLeast('v2 parse+verify MD5 vs raw', ratioOf(b.MD5, 'wxpay'), 1.5),
    atLeast('v2 parse+verify HMAC-SHA256 vs raw', ratioOf(b['HMAC-SHA256'], 'wxpay'), 1.5),
  ]);
  out(
    `Total time ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg()[0]?.toFixed(1)} (other processes share the cores).`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
