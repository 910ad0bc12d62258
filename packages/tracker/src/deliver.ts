import { describeError, type TrackedItem } from './items.js';
import type { RunContext } from './run-context.js';
import type { TrackerCallback } from './types.js';

/**
 * Calls a callback at least once per key. The attempt is counted and saved before the call
 * and the completion right after it returns, so a crash in between repeats the call with the
 * same key, and a recorded completion is never repeated. Returns false when it threw.
 */
export async function deliver<T>(
  ctx: RunContext,
  item: TrackedItem,
  key: string,
  callback: TrackerCallback<T> | undefined,
  value: T,
): Promise<boolean> {
  if (item.delivered.includes(key)) return true;
  if (callback) {
    const attempt = (item.attempts[key] ?? 0) + 1;
    item.attempts[key] = attempt;
    await ctx.save(item);
    try {
      await callback(value, { key, attempt });
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
  item.delivered.push(key);
  item.failures = 0;
  await ctx.save(item);
  return true;
}
