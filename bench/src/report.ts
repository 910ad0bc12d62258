/**
 * The Markdown of `pnpm bench`: the machine line, the micro and end-to-end tables, the median
 * of paired windows, and the targets of issue 17.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { E2eRow } from './e2e.js';
import type { WorkerResult } from './e2e-job.js';
import { formatNs, formatOps, formatRatio, type Measurement } from './harness.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function machineLine(): string {
  const cpu = cpus();
  return `Node ${process.version} · ${cpu[0]?.model.trim() ?? 'unknown CPU'} · ${cpu.length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${process.platform}/${process.arch} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · load average ${loadavg()[0]?.toFixed(1)}`;
}

export function microTable(rows: readonly Measurement[]): void {
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

export const median = (v: readonly number[]) => {
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
export function paired(values: readonly number[], base: readonly number[]): number {
  const n = Math.min(values.length, base.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((values[i] as number) / (base[i] as number));
  return median(ratios);
}

export function e2eTable(rows: readonly E2eRow[]): void {
  out(
    '| case | contestant | per s (median) | min–max | vs base | CPU each | CPU vs base | peak RSS | notes |',
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

/** One target line. */
export interface Target {
  readonly name: string;
  readonly value: number | undefined;
  readonly pass: (v: number) => boolean;
  readonly show: (v: number) => string;
}

/** Prints the targets that were measured in this run. */
export function targetTable(title: string, targets: readonly Target[]): void {
  const measured = targets.filter((t) => t.value !== undefined && Number.isFinite(t.value));
  if (!measured.length) return;
  out(`## ${title}`);
  out();
  out('| target | wxpay | result |');
  out('|---|---:|---|');
  for (const t of measured) {
    const v = t.value as number;
    out(`| ${t.name} | ${t.show(v)} | ${t.pass(v) ? 'met' : '**missed**'} |`);
  }
  out();
}

/** Paired ratio of contestant `name` against contestant `base` in one case's rows. */
export function pairedRatio(
  rows: readonly E2eRow[],
  name: string,
  base: string,
  pick: (r: E2eRow) => number[],
): number | undefined {
  const w = rows.find((r) => r.contestant === name && r.timed);
  const b = rows.find((r) => r.contestant === base && r.timed);
  return w && b ? paired(pick(w), pick(b)) : undefined;
}

/** Prints the soak (case G): requests reached, errors, memory after forced GCs. */
export function soakReport(
  soak: WorkerResult,
  serverFailures: number,
  requested: number,
  capMs: number,
  concurrency: number,
): void {
  const done = soak.requests;
  out(
    `## Soak (G): wxpay v3 queryOrder, ${done} requests${done < requested ? ` (time cap ${capMs / 1000} s reached before ${requested})` : ''}, ${concurrency} in flight`,
  );
  out();
  out(
    soak.checkFailure
      ? `FAILED check: ${soak.checkFailure}`
      : `${((done / soak.elapsedMs) * 1000).toFixed(0)} req/s, ${soak.errors} errors, server signature failures ${serverFailures}; each row read after a forced full GC.`,
  );
  out();
  out('| requests | elapsed | RSS | heap used |');
  out('|---:|---:|---:|---:|');
  for (const s of soak.snapshots) {
    out(
      `| ${s.requests} | ${(s.elapsedMs / 1000).toFixed(1)} s | ${s.rssMb.toFixed(1)} MB | ${s.heapUsedMb.toFixed(1)} MB |`,
    );
  }
  out();
}
