/**
 * Case I orchestration: the sender process (WeChat Pay's side) and one handler process per
 * contestant. Each contestant is checked first — a genuine notification must be acknowledged
 * and reach the callback; tampered ones (a changed body, a flipped GCM tag bit, an hour-old
 * timestamp) must not — then measured in short windows, round-robin over the contestants, and
 * reported like case F: median notifications/s, the median of paired ratios against the raw
 * handler, and the handler process's CPU per notification.
 */
import { type E2eRow, newE2eRow, type WindowedOptions } from '../e2e.js';
import type { KeyPems } from '../fixtures.js';
import { type ForkedChild, forkChild } from '../fork-child.js';
import type { NotifyContestant } from './handlers/index.js';
import type { NotifyVariant } from './notifications.js';
import type { NotifyStopped } from './notify-handler.js';

const here = new URL('.', import.meta.url);

const spawn = (file: string): ForkedChild => forkChild(new URL(file, here));

/** Options of {@link runNotify}. */
export interface NotifyOptions extends WindowedOptions {
  readonly protocol: 'v2' | 'v3';
  readonly contestants: readonly { name: NotifyContestant; baseline?: boolean; mark?: string }[];
}

const PROBES: Record<'v2' | 'v3', readonly { variant: NotifyVariant; what: string }[]> = {
  v3: [
    { variant: 'tampered-body', what: 'accepts a body changed after signing' },
    { variant: 'tampered-tag', what: 'skips the GCM tag check' },
    { variant: 'stale', what: 'skips the timestamp check (accepts 1 h old)' },
  ],
  v2: [{ variant: 'tampered-body', what: 'accepts a field changed after signing' }],
};

/** Runs case I for one protocol. */
export async function runNotify(keys: KeyPems, options: NotifyOptions): Promise<E2eRow[]> {
  const caseName = `I ${options.protocol} notification ingest`;
  const sender = spawn('notify-sender.js');
  await sender.request({ type: 'init', keys }, 'ready');
  const rows: E2eRow[] = [];
  const handlers = new Map<E2eRow, { child: ForkedChild; origin: string }>();
  const { protocol } = options;
  const stop = async (h: ForkedChild) =>
    (await h.request({ type: 'stop' }, 'stopped')) as unknown as NotifyStopped;
  try {
    for (const c of options.contestants) {
      const row = newE2eRow(caseName, c);
      rows.push(row);
      const h = spawn('notify-handler.js');
      const ready = await h.request({ type: 'init', protocol, contestant: c.name, keys }, 'ready');
      const origin = `http://127.0.0.1:${String(ready.port)}`;
      // Correctness: the genuine notification is acknowledged and reaches the callback once.
      await h.request({ type: 'start' }, 'started');
      const good = await sender.request(
        { type: 'probe', origin, protocol, variant: 'good' },
        'probe',
      );
      const afterGood = await stop(h);
      if (afterGood.callbacks !== 1 || afterGood.wrongCallbacks !== 0) {
        row.timed = false;
        row.marks.unshift(
          `FAILED check: genuine notification gave ${afterGood.callbacks} callbacks (answer ${String(good.status)})`,
        );
        h.child.kill();
        continue;
      }
      // Safety: a tampered notification must not reach the callback.
      for (const probe of PROBES[protocol]) {
        await h.request({ type: 'start' }, 'started');
        await sender.request({ type: 'probe', origin, protocol, variant: probe.variant }, 'probe');
        const after = await stop(h);
        if (after.callbacks + after.wrongCallbacks > 0) row.marks.unshift(`unsafe: ${probe.what}`);
      }
      await sender.request(
        {
          type: 'window',
          origin,
          protocol,
          concurrency: options.concurrency,
          durationMs: options.warmupMs,
        },
        'window',
      );
      handlers.set(row, { child: h, origin });
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const row of rows) {
        const h = handlers.get(row);
        if (!h || !row.timed) continue;
        await h.child.request({ type: 'start' }, 'started');
        const w = await sender.request(
          {
            type: 'window',
            origin: h.origin,
            protocol,
            concurrency: options.concurrency,
            durationMs: options.durationMs,
          },
          'window',
        );
        const s = await stop(h.child);
        const requests = Number(w.requests);
        if (Number(w.errors) > 0)
          row.marks.push(`${String(w.errors)} errors (${String(w.firstError)})`);
        const rate = (requests / s.elapsedMs) * 1000;
        const cpu = s.cpuUs / Math.max(1, requests);
        row.rates.push(rate);
        row.cpuUs.push(cpu);
        row.peakRss.push(s.peakRssMb);
        options.log(
          `  ${caseName} window ${round + 1} ${row.contestant}: ${rate.toFixed(0)} notifications/s, ${cpu.toFixed(0)} µs CPU each, ${s.callbacks} callbacks`,
        );
      }
    }
  } finally {
    for (const h of handlers.values()) h.child.child.send({ type: 'exit' });
    sender.child.disconnect();
    sender.child.kill();
  }
  return rows;
}
