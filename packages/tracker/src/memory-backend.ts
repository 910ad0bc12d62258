import type { Clock } from '@wxpay/core';
import type { ItemRunner, Observation, TrackerBackend } from './backend.js';
import { billDayOf, type TrackedItem } from './items.js';
import type { TrackerSummary } from './types.js';

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** Items run at the same time (default 8). */
  readonly concurrency?: number;
  /** How often due items are looked for, in ms (default 50). */
  readonly pollMs?: number;
  /** How long settled items are kept, in ms (default 40 days). */
  readonly retentionMs?: number;
}

/**
 * The embedded backend: items and schedules in this process's memory, lost when it exits.
 * Same interface and semantics as the Redis backend within one process; for demos, tests and
 * merchants who rebuild their tracked set from their own database on start.
 */
export function createMemoryBackend(
  clock: Clock,
  options: MemoryBackendOptions = {},
): TrackerBackend {
  // Items are stored as JSON text, like in Redis, so no caller holds a live reference.
  const items = new Map<string, string>();
  const due = new Map<string, number>();
  const inbox = new Map<string, Observation[]>();
  const running = new Map<string, Promise<void>>();
  const concurrency = options.concurrency ?? 8;
  const pollMs = options.pollMs ?? 50;
  const retentionMs = options.retentionMs ?? 40 * 24 * 3600_000;
  // When each settled item was settled, oldest first, so expired ones are dropped cheaply.
  const settled = new Map<string, number>();
  let runner: ItemRunner | undefined;
  let timer: NodeJS.Timeout | undefined;

  const store = (item: TrackedItem) => {
    items.set(item.id, JSON.stringify(item));
    settled.delete(item.id);
    if (item.phase === 'settled') settled.set(item.id, item.settledAt ?? clock.now());
  };

  const forgetExpired = () => {
    const cutoff = clock.now() - retentionMs;
    for (const [id, at] of settled) {
      if (at >= cutoff) break;
      settled.delete(id);
      items.delete(id);
    }
  };

  const parse = (id: string): TrackedItem | undefined => {
    const text = items.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as TrackedItem);
  };

  const runOne = async (id: string, run: ItemRunner): Promise<void> => {
    const item = parse(id);
    const observations = inbox.get(id) ?? [];
    inbox.delete(id);
    if (!item) return;
    let next: number | undefined;
    try {
      next = await run(item, observations, async (updated) => store(updated));
    } catch {
      // The runner records its own failures; an escape here is retried soon rather than lost.
      next = clock.now() + 1_000;
    }
    if (!items.has(id)) return;
    if (inbox.has(id)) next = clock.now();
    if (next === undefined) due.delete(id);
    else due.set(id, next);
  };

  const tick = () => {
    timer = undefined;
    const run = runner;
    if (!run) return;
    forgetExpired();
    const now = clock.now();
    // Longest overdue first, so a backlog delays the newest work, not an expiry.
    const ready = [...due].filter(([id, at]) => at <= now && !running.has(id));
    ready.sort((a, b) => a[1] - b[1]);
    for (const [id] of ready.slice(0, Math.max(0, concurrency - running.size))) {
      due.delete(id);
      const p = runOne(id, run).finally(() => {
        running.delete(id);
      });
      running.set(id, p);
    }
    timer = setTimeout(tick, pollMs);
  };

  return {
    async insert(item, runAt) {
      if (items.has(item.id)) return false;
      store(item);
      due.set(item.id, runAt);
      return true;
    },
    async get(id) {
      return parse(id);
    },
    async getMany(ids) {
      return ids.map(parse);
    },
    async remove(id) {
      items.delete(id);
      settled.delete(id);
      due.delete(id);
      inbox.delete(id);
    },
    async observe(id, observation) {
      const list = inbox.get(id) ?? [];
      list.push(observation);
      inbox.set(id, list);
      // Running now: runOne reschedules it at once when it finishes.
      if (!running.has(id)) due.set(id, clock.now());
    },
    async start(run) {
      runner = run;
      if (!timer) timer = setTimeout(tick, 0);
    },
    async stop() {
      runner = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...running.values()]);
    },
    async close() {},
    async summary() {
      const counts = { open: 0, settled: 0, failed: 0 };
      for (const id of items.keys()) {
        const item = parse(id);
        if (item) counts[item.phase] += 1;
      }
      return counts satisfies TrackerSummary;
    },
    async *paidOn(day) {
      for (const id of [...items.keys()]) {
        const item = parse(id);
        if (item?.type === 'order' && billDayOf(item) === day) yield id;
      }
    },
    async *refundedOn(day) {
      for (const id of [...items.keys()]) {
        const item = parse(id);
        if (item?.type === 'refund' && billDayOf(item) === day) yield id;
      }
    },
  };
}
