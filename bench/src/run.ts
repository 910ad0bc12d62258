/**
 * `pnpm bench`: every case in one run, each contestant checked for correctness before it is
 * timed, ratios against the raw baseline measured in the same run. Flags:
 *   --only=A,C,F   run only these cases (A B C D E F G H)
 *   --quick        fewer samples and shorter end-to-end runs (a smoke test, not a result)
 *   --soak=N       requests of the soak (default 100000); --soak-max-s=S caps its time (25)
 *   --rounds=N     end-to-end windows per contestant (default 5); --duration-s=S per window (0.7)
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { v2BuildContestants } from './cases/v2-build.js';
import { v2ParseContestants } from './cases/v2-parse.js';
import { v3AuthContestants } from './cases/v3-auth.js';
import { v3DecryptContestants } from './cases/v3-decrypt.js';
import { v3PiecesContestants } from './cases/v3-pieces.js';
import { v3VerifyContestants } from './cases/v3-verify.js';
import { type E2eRow, runE2e, runSoak, startSignServer } from './e2e.js';
import {
  gcmFixture,
  generateKeys,
  toKeys,
  V3_POST_BODY,
  V3_POST_PATH,
  V3_QUERY_PATH,
} from './fixtures.js';
import {
  type CaseOptions,
  formatNs,
  formatOps,
  formatRatio,
  type Measurement,
  runCase,
} from './harness.js';
import { loadWxpayInternals } from './peers.js';
import { retainedBySignals } from './tuned/attempt-signal.js';

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    soak: { type: 'string', default: '100000' },
    'soak-max-s': { type: 'string', default: '25' },
    rounds: { type: 'string' },
    'duration-s': { type: 'string' },
  },
});
const only = new Set((flags.only ?? 'A,B,C,D,E,F,G,H').toUpperCase().split(','));
const quick = flags.quick === true;
const micro: CaseOptions = quick
  ? { samples: 5, sampleMs: 10, warmupMs: 50 }
  : { samples: 13, sampleMs: 12, warmupMs: 100 };
const rounds = Number(flags.rounds ?? (quick ? 2 : 5));
const durationMs = Number(flags['duration-s'] ?? (quick ? 0.5 : 0.7)) * 1000;
const soakRequests = Number(flags.soak);
const soakMaxMs = Number(flags['soak-max-s']) * 1000;
const CONCURRENCY = 32;

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const started = Date.now();

function machineLine(): string {
  const cpu = cpus();
  return `Node ${process.version} · ${cpu[0]?.model.trim() ?? 'unknown CPU'} · ${cpu.length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${process.platform}/${process.arch} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · load average ${loadavg()[0]?.toFixed(1)}`;
}

function microTable(rows: readonly Measurement[]): void {
  out(
    '| case | contestant | CPU/op median | min–max | ops/s (CPU) | vs raw | wall/op median | notes |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const range = r.timed ? `${formatNs(r.minNs)}–${formatNs(r.maxNs)}` : '—';
    const name = r.baseline ? `**${r.contestant}**` : r.contestant;
    out(
      `| ${r.caseName} | ${name} | ${formatNs(r.medianNs)} | ${range} | ${formatOps(r.opsPerSec)} | ${formatRatio(r.ratio)} | ${formatNs(r.wallMedianNs)} | ${r.marks.join('; ')} |`,
    );
  }
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[m] as number)
      : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Median of the per-window ratios: window i of a contestant against window i of the baseline,
 * which ran right before it, so slow drifts in the machine's load cancel out.
 */
function paired(values: readonly number[], base: readonly number[]): number {
  const n = Math.min(values.length, base.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((values[i] as number) / (base[i] as number));
  return median(ratios);
}

function e2eTable(rows: readonly E2eRow[]): void {
  out(
    '| case | contestant | req/s (median) | min–max | vs raw-sync | CPU/req | CPU vs raw | peak RSS | notes |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const base = rows.find((b) => b.caseName === r.caseName && b.baseline && b.timed);
    const rate = median(r.rates);
    const cpu = median(r.cpuUs);
    const rss = median(r.peakRss);
    const ok = r.timed && r.rates.length > 0;

    const name = r.baseline ? `**${r.contestant}**` : r.contestant;
    out(
      `| ${r.caseName} | ${name} | ${ok ? rate.toFixed(0) : '—'} | ${ok ? `${Math.min(...r.rates).toFixed(0)}–${Math.max(...r.rates).toFixed(0)}` : '—'} | ${ok && base ? formatRatio(paired(r.rates, base.rates)) : '—'} | ${ok ? `${cpu.toFixed(0)} µs` : '—'} | ${ok && base ? formatRatio(paired(r.cpuUs, base.cpuUs)) : '—'} | ${ok ? `${rss.toFixed(1)} MB` : '—'} | ${r.marks.join('; ')} |`,
    );
  }
}

interface Target {
  readonly name: string;
  readonly value: number | undefined;
  readonly pass: (v: number) => boolean;
  readonly show: (v: number) => string;
}

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
      `Heap still live after 20000 finished attempts (10 s attempt timeout): AbortSignal.timeout ${r.timeout.toFixed(1)} MB, attemptSignal ${r.tuned.toFixed(1)} MB.`,
    );
    out();
  }

  let f3: E2eRow[] = [];
  let f2: E2eRow[] = [];
  let soakLines: string[] = [];
  if (only.has('F') || only.has('G')) {
    const server = await startSignServer(pems);
    try {
      if (only.has('F')) {
        const common = {
          rounds,
          durationMs,
          warmupMs: quick ? 300 : 1200,
          concurrency: CONCURRENCY,
          log,
        };
        log('case F v3 …');
        f3 = await runE2e(server, pems, {
          ...common,
          protocol: 'v3',
          contestants: [
            { name: 'raw-sync', baseline: true },
            { name: 'raw-async' },
            { name: 'wxpay' },
            {
              name: 'wxpay-tuned',
              mark: 'reference copy: queryOrder rebuilt from the tuned pieces (now applied in the adapters)',
            },
            {
              name: 'wechatpay-node-v3',
              mark: 'unsafe: skips check (query() returns no headers, reply never verified)',
            },
            { name: 'axios-plugin' },
          ],
        });
        log('case F v2 …');
        f2 = await runE2e(server, pems, {
          ...common,
          protocol: 'v2',
          contestants: [
            { name: 'raw-sync', baseline: true },
            { name: 'wxpay' },
            {
              name: 'wxpay-tuned',
              mark: 'reference copy: queryOrder rebuilt from the tuned v2 pieces',
            },
            { name: 'tenpay' },
            { name: 'axios-plugin' },
          ],
        });
        out(`## End to end over loopback (F), ${CONCURRENCY} requests in flight`);
        out();
        e2eTable([...f3, ...f2]);
        out();
      }
      if (only.has('G')) {
        log(`case G soak (${soakRequests} requests, cap ${soakMaxMs / 1000} s) …`);
        const soak = await runSoak(server, pems, soakRequests, soakMaxMs, CONCURRENCY);
        const stats = await server.stats();
        const done = soak.requests;
        soakLines = [
          `## Soak (G): wxpay v3 queryOrder, ${done} requests${done < soakRequests ? ` (time cap ${soakMaxMs / 1000} s reached before ${soakRequests})` : ''}, ${CONCURRENCY} in flight`,
          '',
          soak.checkFailure
            ? `FAILED check: ${soak.checkFailure}`
            : `${((done / soak.elapsedMs) * 1000).toFixed(0)} req/s, ${soak.errors} errors, server signature failures ${stats.failed}; each row read after a forced full GC.`,
          '',
          '| requests | elapsed | RSS | heap used |',
          '|---:|---:|---:|---:|',
          ...soak.snapshots.map(
            (s) =>
              `| ${s.requests} | ${(s.elapsedMs / 1000).toFixed(1)} s | ${s.rssMb.toFixed(1)} MB | ${s.heapUsedMb.toFixed(1)} MB |`,
          ),
        ];
        for (const l of soakLines) out(l);
        out();
      }
    } finally {
      server.close();
    }
  }

  // Targets of issue 7 §3.
  const ratioOf = (rows: Measurement[] | undefined, name: string) =>
    rows?.find((r) => r.contestant === name)?.ratio;
  const e2e = (rows: E2eRow[], name: string) => rows.find((r) => r.contestant === name && r.timed);
  const e2eRatio = (rows: E2eRow[], pick: (r: E2eRow) => number[]) => {
    const w = e2e(rows, 'wxpay');
    const r = e2e(rows, 'raw-sync');
    return w && r ? paired(pick(w), pick(r)) : undefined;
  };
  const rssDelta = (rows: E2eRow[]) => {
    const w = e2e(rows, 'wxpay');
    const r = e2e(rows, 'raw-sync');
    return w && r ? median(w.peakRss) - median(r.peakRss) : undefined;
  };
  const x = (v: number) => `${v.toFixed(2)}×`;
  const targets: Target[] = [
    {
      name: 'v3 end to end ≥ 1.3× raw-sync',
      value: e2eRatio(f3, (r) => r.rates),
      pass: (v) => v >= 1.3,
      show: x,
    },
    {
      name: 'v2 build MD5 ≥ 0.9× raw',
      value: ratioOf(a.MD5, 'wxpay'),
      pass: (v) => v >= 0.9,
      show: x,
    },
    {
      name: 'v2 build HMAC-SHA256 ≥ 0.9× raw',
      value: ratioOf(a['HMAC-SHA256'], 'wxpay'),
      pass: (v) => v >= 0.9,
      show: x,
    },
    {
      name: 'v2 parse+verify MD5 ≥ 1.5× raw',
      value: ratioOf(b.MD5, 'wxpay'),
      pass: (v) => v >= 1.5,
      show: x,
    },
    {
      name: 'v2 parse+verify HMAC-SHA256 ≥ 1.5× raw',
      value: ratioOf(b['HMAC-SHA256'], 'wxpay'),
      pass: (v) => v >= 1.5,
      show: x,
    },
    {
      name: 'client CPU/request v3 ≤ 1.2× raw-sync',
      value: e2eRatio(f3, (r) => r.cpuUs),
      pass: (v) => v <= 1.2,
      show: x,
    },
    {
      name: 'client CPU/request v2 ≤ 1.2× raw-sync',
      value: e2eRatio(f2, (r) => r.cpuUs),
      pass: (v) => v <= 1.2,
      show: x,
    },
    {
      name: 'peak RSS v3 ≤ raw-sync + 20 MB',
      value: rssDelta(f3),
      pass: (v) => v <= 20,
      show: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} MB`,
    },
    {
      name: 'peak RSS v2 ≤ raw-sync + 20 MB',
      value: rssDelta(f2),
      pass: (v) => v <= 20,
      show: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} MB`,
    },
  ];
  const measured = targets.filter((t) => t.value !== undefined && Number.isFinite(t.value));
  if (measured.length) {
    out('## Targets (issue 7 §3), wxpay as shipped');
    out();
    out('| target | wxpay | result |');
    out('|---|---:|---|');
    for (const t of measured) {
      const v = t.value as number;
      out(`| ${t.name} | ${t.show(v)} | ${t.pass(v) ? 'met' : '**missed**'} |`);
    }
    out();
  }
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
