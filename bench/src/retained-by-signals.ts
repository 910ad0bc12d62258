/**
 * Heap still reachable after many finished attempts: core `withRetry` (one AbortController per
 * attempt, its timer cleared when the attempt settles) against `AbortSignal.timeout`, whose
 * signal and timer stay alive until the timeout fires. Needs `--expose-gc`.
 */
import { withRetry } from '@wxpay/core/adapter';

/** MB still live after `count` finished attempts, for each pattern. */
export async function retainedBySignals(
  count: number,
): Promise<{ timeout: number; withRetry: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = async (attempt: () => Promise<unknown>) => {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) await attempt();
    gc?.();
    return (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  };
  const timeout = await measure(async () => AbortSignal.timeout(10_000));
  const retry = await measure(() =>
    withRetry(async () => 1, { attemptTimeoutMs: 10_000, idempotent: true }),
  );
  return { timeout, withRetry: retry };
}
