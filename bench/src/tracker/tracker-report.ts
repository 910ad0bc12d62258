/** The Markdown of case J (see `run-tracker.ts`). */
import type { TrackerCaseResult } from './run-tracker.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The value at quantile `q` (0–1) of ascending `sorted`. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Prints case J, or the line saying why it was skipped. */
export function trackerReport(r: TrackerCaseResult): void {
  out(
    '## Tracker on Redis (J): @wxpay/tracker, BullMQ backend, v2 client, simulator over loopback',
  );
  out();
  if (r.skipped !== undefined) {
    out(`J skipped: ${r.skipped}.`);
    out();
    return;
  }
  out(
    `redis-server ${r.redisVersion} started by the bench; tracker in its own process (worker concurrency 8, the default), 32 calls in flight.`,
  );
  out();
  out(
    '| phase | orders | per s | tracker CPU/order | Redis commands/order (server, incl. scripts) | notes |',
  );
  out('|---|---:|---:|---:|---:|---|');
  for (const x of r.rates) {
    const notes = x.errors ? `${x.errors} errors (${x.firstError})` : '';
    out(
      `| ${x.what} | ${x.orders} | ${x.perSecond.toFixed(0)} | ${x.cpuUs.toFixed(0)} µs | ${x.serverCommands.toFixed(1)} | ${notes} |`,
    );
  }
  out();
  out('Redis per tracked order, counted by MONITOR (MULTI … EXEC = one round trip):');
  out();
  out(
    '| phase | orders | round trips/order | client commands/order | inside scripts/order | most frequent (per order) |',
  );
  out('|---|---:|---:|---:|---:|---|');
  for (const p of r.trips) {
    const n = p.orders;
    const top = p.counts.byName
      .slice(0, 6)
      .map(([name, count]) => `${name} ${(count / n).toFixed(1)}`)
      .join(', ');
    out(
      `| ${p.phase} | ${n} | ${(p.counts.roundTrips / n).toFixed(1)} | ${(p.counts.clientCommands / n).toFixed(1)} | ${(p.counts.scriptCommands / n).toFixed(1)} | ${top} |`,
    );
  }
  out();
  const l = r.latency;
  const sc = l.schedule;
  const over = l.ms.filter((v) => !(v <= l.boundMs)).length;
  out(
    `Payment → onPaid with the notification dropped (${l.orders} orders, ${l.dropped} notifications dropped by the simulator; paid ${s(0)}–${s(l.payWindowMs)} after creation): median ${s(quantile(l.ms, 0.5))}, p95 ${s(quantile(l.ms, 0.95))}, max ${s(quantile(l.ms, 1))}; the schedule (first query ${s(sc.firstQueryMs)}, then every ${s(sc.earlyIntervalMs)} for ${s(sc.earlyPeriodMs)}, then ${s(sc.intervalMs)}) bounds it by ${s(l.boundMs)} plus one query; ${over === 0 ? `none took longer than ${s(l.boundMs)}` : `${over} took longer than ${s(l.boundMs)}, by at most ${Math.round(quantile(l.ms, 1) - l.boundMs)} ms (the query itself and the worker picking the job up)`}.`,
  );
  out();
  const m = r.memory;
  const last = m.rows[m.rows.length - 1];
  const reached = last?.orders ?? 0;
  out(
    `Memory while ${reached} orders are tracked at once${reached < m.requested ? ` (time cap ${m.capMs / 1000} s reached before ${m.requested})` : ''}: created through the tracker, first query an hour away, one in ten paid (notification → onPaid, settled); the tracker process's heap after two forced full GCs. Redis holds the orders (settled ones for the 40-day retention).`,
  );
  out();
  out('| orders | elapsed | heap used | RSS | Redis used_memory growth |');
  out('|---:|---:|---:|---:|---:|');
  for (const row of m.rows) {
    out(
      `| ${row.orders} | ${(row.elapsedMs / 1000).toFixed(1)} s | ${row.heapUsedMb.toFixed(1)} MB | ${row.rssMb.toFixed(1)} MB | ${row.redisMb.toFixed(1)} MB |`,
    );
  }
  out();
}
