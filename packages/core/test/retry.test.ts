import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  DecryptionError,
  RateLimitedError,
  SignatureVerificationError,
  SystemError,
  TimeoutError,
} from '../src/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../src/retry.js';

const noWait = async () => {};
const systemError = () => new SystemError('x', { code: 'SYSTEMERROR' });

/** An operation that fails every time with `error()`, counting its calls. */
function alwaysFailing(error: () => Error) {
  const op = {
    calls: 0,
    run: async (): Promise<never> => {
      op.calls++;
      throw error();
    },
  };
  return op;
}

describe('backoffDelay', () => {
  it('stays within [0, min(max, base * 2^(n-1))] for any policy, retry and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, r) => {
          const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs, maxDelayMs };
          const delay = backoffDelay(retry, policy, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1)));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('grows exponentially before the cap', () => {
    const p = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 };
    const top = () => 0.999_999_9;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p, top))).toEqual([99, 199, 399, 799]);
    expect(backoffDelay(20, p, top)).toBe(9_999);
  });
});

describe('withRetry', () => {
  it('retries retryable errors and gives each attempt its own context', async () => {
    const attempts: number[] = [];
    const result = await withRetry(
      async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new SystemError('busy', { code: 'SYSTEMERROR' });
        return 'ok';
      },
      { sleep: noWait },
    );
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('never retries signature or decryption failures', async () => {
    for (const error of [
      new SignatureVerificationError('bad sig'),
      new DecryptionError('bad tag'),
    ]) {
      const op = alwaysFailing(() => error);
      await expect(withRetry(op.run, { sleep: noWait, policy: { maxAttempts: 5 } })).rejects.toBe(
        error,
      );
      expect(op.calls).toBe(1);
    }
  });

  it('gives a non-idempotent operation a single attempt', async () => {
    const op = alwaysFailing(systemError);
    await expect(withRetry(op.run, { idempotent: false, sleep: noWait })).rejects.toBeInstanceOf(
      SystemError,
    );
    expect(op.calls).toBe(1);
  });

  it('is bounded: never more than maxAttempts calls, whatever fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (maxAttempts) => {
        const op = alwaysFailing(systemError);
        await expect(
          withRetry(op.run, { policy: { maxAttempts }, sleep: noWait }),
        ).rejects.toBeInstanceOf(SystemError);
        expect(op.calls).toBe(maxAttempts);
      }),
      { numRuns: 30 },
    );
  });

  it('waits the jittered backoff between attempts and honours Retry-After', async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetry(
      async () => {
        n++;
        if (n === 1) throw new SystemError('x', { code: 'SYSTEMERROR' });
        if (n === 2)
          throw new RateLimitedError('x', { code: 'FREQUENCY_LIMITED', retryAfterMs: 1_500 });
        return n;
      },
      {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
        random: () => 0.5,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(waits).toEqual([50, 1_500]);
  });

  it('turns a per-attempt timeout into TimeoutError and retries it', async () => {
    let calls = 0;
    const error = await withRetry(
      ({ signal }) => {
        calls++;
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        });
      },
      { attemptTimeoutMs: 20, policy: { maxAttempts: 2 }, sleep: noWait },
    ).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(calls).toBe(2);
  });

  it('stops at once when the caller aborts, mid-attempt or mid-backoff', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = withRetry(
      async () => {
        calls++;
        if (calls === 1) setTimeout(() => controller.abort(), 10);
        throw new SystemError('x', { code: 'SYSTEMERROR' });
      },
      {
        signal: controller.signal,
        policy: { maxAttempts: 10, baseDelayMs: 10_000, maxDelayMs: 10_000 },
        random: () => 0.99,
      },
    );
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(1);

    const aborted = AbortSignal.abort();
    await expect(withRetry(async () => 'never', { signal: aborted })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });

  it('releases the per-attempt timer once the attempt settles', async () => {
    let seen: AbortSignal | undefined;
    await withRetry(
      async ({ signal }) => {
        seen = signal;
        return 'fast';
      },
      { attemptTimeoutMs: 30 },
    );
    await new Promise((r) => setTimeout(r, 80));
    // A timer still armed would have aborted the finished attempt's signal by now.
    expect(seen?.aborted).toBe(false);
  });

  it('makes the signal on first read, already aborted when the timeout or the caller came first', async () => {
    // Read after the timeout fired: aborted with a TimeoutError reason.
    const late = await withRetry(
      async (context) => {
        expect(context.remainingMs()).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 60));
        expect(context.remainingMs()).toBe(0);
        return context.signal;
      },
      { attemptTimeoutMs: 20 },
    );
    expect(late.aborted).toBe(true);
    expect((late.reason as Error).name).toBe('TimeoutError');
    // Read after the caller aborted: aborted with the caller's reason; callerSignal is theirs.
    const caller = new AbortController();
    const seen = await withRetry(
      async (context) => {
        expect(context.callerSignal).toBe(caller.signal);
        expect(context.remainingMs()).toBeUndefined();
        caller.abort('stop');
        return context.signal;
      },
      { signal: caller.signal },
    );
    expect(seen.aborted).toBe(true);
    expect(seen.reason).toBe('stop');
    const forwarded = new AbortController();
    let signal: AbortSignal | undefined;
    const pending = withRetry(
      (context) => {
        signal = context.signal;
        return new Promise((_, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
        });
      },
      { signal: forwarded.signal },
    );
    forwarded.abort('later');
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(signal?.reason).toBe('later');
  });

  it('uses the default policy when none is given', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});
