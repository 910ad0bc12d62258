/**
 * Tuned per-attempt timeout for core's `withRetry`. `AbortSignal.timeout(ms)` keeps its timer
 * and signal alive until the timeout fires, even when the attempt finished long before: at
 * 10 s per attempt and a few thousand requests per second that is tens of MB of live objects.
 * An `AbortController` whose timer is cleared when the attempt settles frees them at once.
 */

/** A per-attempt signal and the function that releases it. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  readonly release: () => void;
}

/** Creates a signal that aborts with a `TimeoutError` DOMException after `ms`. */
export function attemptSignal(ms: number): AttemptSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, release: () => clearTimeout(timer) };
}

/**
 * Heap still reachable after `count` attempts that finished at once, in MB, for the current
 * pattern (`AbortSignal.timeout`) and for {@link attemptSignal}. Needs `--expose-gc`.
 */
export async function retainedBySignals(
  count: number,
): Promise<{ timeout: number; tuned: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = async (make: () => () => void) => {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) {
      const release = make();
      await Promise.resolve();
      release();
    }
    gc?.();
    return (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  };
  const timeout = await measure(() => {
    AbortSignal.timeout(10_000);
    return () => {};
  });
  const tuned = await measure(() => attemptSignal(10_000).release);
  return { timeout, tuned };
}
