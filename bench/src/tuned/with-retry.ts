/**
 * Tuned copy of core's `withRetry` (`packages/core/src/retry.ts`). One change: the
 * per-attempt timeout is an {@link attemptSignal} released when the attempt settles, instead
 * of `AbortSignal.timeout`, whose timer and signal stay alive for the whole timeout after a
 * fast attempt. Backoff, retry classification and error mapping are the same.
 */
import {
  AbortedError,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryOptions,
  sleep,
  TimeoutError,
  WxPayError,
} from '@wxpay/core';
import { attemptSignal } from './attempt-signal.js';

/** Same contract as core's `withRetry`. */
export async function withRetry<T>(
  attempt: (context: { attempt: number; signal: AbortSignal }) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const maxAttempts =
    options.idempotent === false ? 1 : Math.max(1, Math.floor(policy.maxAttempts));
  const shouldRetry =
    options.shouldRetry ?? ((e: unknown) => WxPayError.isInstance(e) && e.retryable);
  const wait = options.sleep ?? sleep;
  const userSignal = options.signal;
  for (let n = 1; ; n++) {
    if (userSignal?.aborted) {
      throw new AbortedError('aborted by the caller', { cause: userSignal.reason });
    }
    const timeout =
      options.attemptTimeoutMs !== undefined ? attemptSignal(options.attemptTimeoutMs) : undefined;
    const signal =
      userSignal && timeout
        ? AbortSignal.any([userSignal, timeout.signal])
        : (userSignal ?? timeout?.signal ?? new AbortController().signal);
    let error: unknown;
    try {
      return await attempt({ attempt: n, signal });
    } catch (caught) {
      error = caught;
      if (userSignal?.aborted) {
        throw AbortedError.isInstance(caught)
          ? caught
          : new AbortedError('aborted by the caller', { cause: userSignal.reason });
      }
      if (timeout?.signal.aborted && !TimeoutError.isInstance(caught)) {
        error = new TimeoutError(`attempt ${n} timed out after ${options.attemptTimeoutMs} ms`);
      }
    } finally {
      timeout?.release();
    }
    if (n >= maxAttempts || !shouldRetry(error)) throw error;
    let delayMs = backoffDelay(n, policy, options.random);
    const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof retryAfter === 'number' && retryAfter > delayMs) {
      delayMs = Math.min(retryAfter, policy.maxDelayMs);
    }
    options.onRetry?.({ attempt: n, delayMs, error });
    await wait(delayMs, userSignal);
  }
}
