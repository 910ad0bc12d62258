import { describeError, type TrackedItem } from './items.js';
import type { RunContext } from './run-context.js';
import { retryDelay } from './schedule.js';
import type { TrackerCallback } from './types.js';

/** The callback of an item's final state and what it is called with. */
export interface FinalCallback<T> {
  readonly key: string;
  readonly callback: TrackerCallback<T> | undefined;
  readonly value: T;
}

/**
 * Settles an item: calls its final callback at least once per key, then records the
 * completion and the settled phase in one save. The attempt is counted and saved before the
 * call, so a crash in between repeats the call with the same key, and a recorded completion is
 * never repeated. Returns when to run the item again (the callback threw), or undefined once
 * it is settled.
 */
export async function settleItem<T>(
  ctx: RunContext,
  item: TrackedItem,
  final: FinalCallback<T> | undefined,
): Promise<number | undefined> {
  if (final && !item.delivered.includes(final.key)) {
    if (final.callback && !(await call(ctx, item, final))) {
      return ctx.now() + retryDelay(ctx.schedule, item.failures);
    }
    item.delivered.push(final.key);
    item.failures = 0;
  }
  item.phase = 'settled';
  item.settledAt = ctx.now();
  delete item.nextRunAt;
  await ctx.save(item);
  return undefined;
}

async function call<T>(ctx: RunContext, item: TrackedItem, final: FinalCallback<T>) {
  const { key } = final;
  const attempt = (item.attempts[key] ?? 0) + 1;
  item.attempts[key] = attempt;
  await ctx.save(item);
  try {
    await final.callback?.(final.value, { key, attempt });
    return true;
  } catch (error) {
    item.failures += 1;
    item.lastError = describeError(error, ctx.now());
    ctx.log({
      level: 'warn',
      message: `tracker: callback for ${key} threw; it will be called again`,
      errorName: item.lastError.name,
    });
    await ctx.save(item);
    return false;
  }
}
