import { AbortedError, TimeoutError, WxPayError } from './errors.js';

/** How often and how patiently a call is retried. */
export interface RetryPolicy {
  /** Total attempts including the first (1 = never retry). */
  readonly maxAttempts: number;
  /** Backoff before the first retry; doubles each retry. */
  readonly baseDelayMs: number;
  /** Upper bound for a single backoff wait. */
  readonly maxDelayMs: number;
}

/** Three attempts, 200 ms → 400 ms backoff with full jitter, capped at 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
});

/**
 * The wait before retry number `retry` (1-based): "full jitter" exponential backoff,
 * uniformly random in `[0, min(maxDelayMs, baseDelayMs * 2^(retry-1))]`.
 * Jitter spreads retries of many clients so they do not hit WeChat Pay in lockstep.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** What an attempt receives. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /**
   * Aborts when the caller aborts or the per-attempt timeout fires. Pass it to the transport.
   * Made on first read: an attempt that hands its transport {@link callerSignal} and
   * {@link remainingMs} instead never pays for an AbortController and its listeners.
   */
  readonly signal: AbortSignal;
  /** The caller's own signal, if any (what {@link signal} forwards besides the timeout). */
  readonly callerSignal: AbortSignal | undefined;
  /**
   * Milliseconds left of the per-attempt timeout (0 once it has passed), or `undefined` when
   * attempts have none. A transport given this and {@link callerSignal} enforces both itself.
   */
  remainingMs(): number | undefined;
}

function onAttemptTimeout(state: AttemptState): void {
  state.expired = true;
  state.controller?.abort(timeoutReason());
}

/**
 * One attempt's context. The signal, its controller, the timer that aborts it and the
 * listener on the caller's signal are made only when `signal` is first read.
 */
class AttemptState implements AttemptContext {
  controller: AbortController | undefined;
  /** Set by the timer (a timer may fire a fraction of a millisecond before the deadline). */
  expired = false;
  private forward: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly deadline: number | undefined;

  constructor(
    readonly attempt: number,
    readonly callerSignal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    if (timeoutMs !== undefined) this.deadline = performance.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    const caller = this.callerSignal;
    const left = this.remainingMs();
    if (left === 0) controller.abort(timeoutReason());
    else if (caller?.aborted) controller.abort(caller.reason);
    else {
      if (left !== undefined) this.timer = setTimeout(onAttemptTimeout, left, this);
      if (caller) {
        this.forward = () => controller.abort(caller.reason);
        caller.addEventListener('abort', this.forward, { once: true });
      }
    }
    return controller.signal;
  }

  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - performance.now());
  }

  /** True once the attempt's time is up (whether or not anything was aborted). */
  get timedOut(): boolean {
    return this.expired || (this.deadline !== undefined && performance.now() >= this.deadline);
  }

  /** The attempt settled: no timer left armed, no listener left on the caller's signal. */
  release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.forward) this.callerSignal?.removeEventListener('abort', this.forward);
  }
}

const timeoutReason = () => new DOMException('attempt timed out', 'TimeoutError');

/** Information about a retry that is about to happen. */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  readonly policy?: Partial<RetryPolicy> | undefined;
  /** The caller's signal: aborts the current attempt and any backoff wait. */
  readonly signal?: AbortSignal | undefined;
  /** Each attempt is aborted with a {@link TimeoutError} after this many milliseconds. */
  readonly attemptTimeoutMs?: number | undefined;
  /**
   * Whether the operation may be repeated. Non-idempotent operations get one attempt.
   * Queries and close are idempotent; creation and refunds are, because every attempt
   * re-sends the same out_trade_no / out_refund_no.
   */
  readonly idempotent?: boolean;
  /** Decides whether an error is worth another attempt; defaults to `error.retryable`. */
  readonly shouldRetry?: (error: unknown) => boolean;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Source of jitter in [0, 1). */
  readonly random?: () => number;
  /** Waits `ms` or rejects when `signal` aborts; injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Resolves after `ms`, or rejects with {@link AbortedError} when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError('aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function defaultShouldRetry(error: unknown): boolean {
  return WxPayError.isInstance(error) && error.retryable;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or attempts run out.
 * The adapter signs *inside* `attempt`, so each attempt carries a fresh timestamp and nonce.
 * Signature and decryption failures are never retryable, so they surface at once.
 */
export async function withRetry<T>(
  attempt: (context: AttemptContext) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  // The policy object is only needed once a retry is decided; the first attempt reads one field.
  const maxAttempts =
    options.idempotent === false
      ? 1
      : Math.max(1, Math.floor(options.policy?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts));
  const userSignal = options.signal;
  const timeoutMs = options.attemptTimeoutMs;

  for (let n = 1; ; n++) {
    if (userSignal?.aborted)
      throw new AbortedError('aborted by the caller', { cause: userSignal.reason });
    // One context per attempt, released in `finally`: AbortSignal.timeout() and
    // AbortSignal.any() would keep each attempt's signal alive until the timeout elapsed.
    const state = new AttemptState(n, userSignal, timeoutMs);
    let error: unknown;
    try {
      return await attempt(state);
    } catch (caught) {
      error = caught;
      if (userSignal?.aborted) {
        throw AbortedError.isInstance(caught)
          ? caught
          : new AbortedError('aborted by the caller', { cause: userSignal.reason });
      }
      if (state.timedOut && !TimeoutError.isInstance(caught)) {
        error = new TimeoutError(`attempt ${n} timed out after ${timeoutMs} ms`);
      }
    } finally {
      state.release();
    }
    if (n >= maxAttempts || !(options.shouldRetry ?? defaultShouldRetry)(error)) throw error;
    const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    const wait = options.sleep ?? sleep;
    let delayMs = backoffDelay(n, policy, options.random);
    const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof retryAfter === 'number' && retryAfter > delayMs) {
      delayMs = Math.min(retryAfter, policy.maxDelayMs);
    }
    options.onRetry?.({ attempt: n, delayMs, error });
    await wait(delayMs, userSignal);
  }
}
