import { AbortedError, TimeoutError, WxPayError } from './errors.js';
import { sleep as defaultSleep } from './retry.js';
import { isTerminal } from './trade-state.js';
import type { CallOptions, Order, OrderRef } from './types.js';

/** Options of {@link awaitFinalState}. */
export interface AwaitFinalStateOptions<O extends Order = Order> {
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Aborts polling. */
  readonly signal?: AbortSignal;
  /** First wait between polls (default 1 s); doubles up to `maxIntervalMs`. */
  readonly initialIntervalMs?: number;
  /** Longest wait between polls (default 10 s, the micropay guidance). */
  readonly maxIntervalMs?: number;
  /** Called with every order observed, terminal or not. */
  readonly onPoll?: (order: O) => void;
  /** Options passed to each `queryOrder` call. */
  readonly callOptions?: Omit<CallOptions, 'signal'>;
  /** Injectable wait (tests, simulated time). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable clock in milliseconds. */
  readonly now?: () => number;
}

/**
 * Polls `client.queryOrder(ref)` with growing intervals until the order reaches a settled
 * state ({@link isTerminal}), the time runs out ({@link TimeoutError}) or `signal` aborts
 * ({@link AbortedError}). Retryable query failures are polled through; others are thrown.
 */
export async function awaitFinalState<O extends Order = Order>(
  client: { queryOrder(ref: OrderRef, options?: CallOptions): Promise<O> },
  ref: OrderRef,
  options: AwaitFinalStateOptions<O> = {},
): Promise<O> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? defaultSleep;
  const deadline = now() + (options.timeoutMs ?? 60_000);
  const maxInterval = options.maxIntervalMs ?? 10_000;
  let interval = options.initialIntervalMs ?? 1_000;
  let last: O | undefined;

  for (;;) {
    if (options.signal?.aborted) throw new AbortedError('awaitFinalState aborted');
    try {
      last = await client.queryOrder(ref, {
        ...options.callOptions,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      options.onPoll?.(last);
      if (isTerminal(last.state)) return last;
    } catch (error) {
      if (!(WxPayError.isInstance(error) && error.retryable) || AbortedError.isInstance(error))
        throw error;
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new TimeoutError(
        `order did not reach a final state in time (last state: ${last?.state ?? 'unknown'})`,
      );
    }
    await wait(Math.min(interval, remaining), options.signal);
    interval = Math.min(interval * 2, maxInterval);
  }
}
