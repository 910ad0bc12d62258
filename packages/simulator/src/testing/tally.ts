import { WxPayError } from '@wxpay/core';

/** A wxpay error class, checked with its realm-safe `isInstance`. */
export interface ExpectedErrorClass {
  readonly name: string;
  isInstance(value: unknown): boolean;
}

/** One input that did not behave as expected. */
export interface Miss {
  readonly label: string;
  readonly outcome: string;
}

/**
 * Bookkeeping for adversarial test suites (both adapters' security tests use it): counts one
 * category of adversarial inputs: how many were tried, refused with an expected typed
 * error, and accepted although they must not be. Anything else (an untyped error, the wrong
 * class) is kept in `misses` so the test can show it.
 */
export class Tally {
  tried = 0;
  rejected = 0;
  acceptedWrongly = 0;
  /** Inputs that were valid and accepted (fuzzing only). */
  acceptedValid = 0;
  readonly misses: Miss[] = [];
  /** Rejections per error class name. */
  readonly byClass = new Map<string, number>();

  constructor(readonly category: string) {}

  /** `run` must reject with one of `expected` (subclasses count). */
  async rejects(
    label: string,
    run: () => unknown,
    expected: ExpectedErrorClass | readonly ExpectedErrorClass[],
  ): Promise<void> {
    const classes = Array.isArray(expected) ? expected : [expected as ExpectedErrorClass];
    this.tried++;
    let result: unknown;
    try {
      result = await run();
    } catch (error) {
      if (classes.some((c) => c.isInstance(error))) {
        this.rejected++;
        const name = (error as Error).name;
        this.byClass.set(name, (this.byClass.get(name) ?? 0) + 1);
        return;
      }
      this.misses.push({ label, outcome: describe(error) });
      return;
    }
    this.acceptedWrongly++;
    this.misses.push({ label, outcome: `accepted: ${preview(result)}` });
  }

  /** `run` must resolve; `check` may inspect the result (throw to fail it). */
  async accepts<T>(
    label: string,
    run: () => T | Promise<T>,
    check?: (value: T) => void,
  ): Promise<void> {
    this.tried++;
    try {
      const value = await run();
      check?.(value);
      this.acceptedValid++;
    } catch (error) {
      this.misses.push({ label, outcome: describe(error) });
    }
  }

  /**
   * Fuzz outcome: any typed wxpay error is a rejection; a result counts as valid only if
   * `isValid` says so, otherwise it was accepted wrongly. Untyped errors are misses.
   */
  async fuzz<T>(label: string, run: () => T | Promise<T>, isValid: (value: T) => boolean) {
    this.tried++;
    try {
      const value = await run();
      if (isValid(value)) this.acceptedValid++;
      else {
        this.acceptedWrongly++;
        this.misses.push({ label, outcome: `invalid result ${preview(value)}` });
      }
    } catch (error) {
      if (WxPayError.isInstance(error)) {
        this.rejected++;
        const name = (error as Error).name;
        this.byClass.set(name, (this.byClass.get(name) ?? 0) + 1);
      } else this.misses.push({ label, outcome: describe(error) });
    }
  }

  /** The closing-note line. */
  line(): string {
    const valid = this.acceptedValid > 0 ? ` (accepted-valid ${this.acceptedValid})` : '';
    return `[security] ${this.category}: tried ${this.tried}, rejected ${this.rejected}, accepted-wrongly ${this.acceptedWrongly}${valid}`;
  }

  /** Prints the summary line (the only output of the suite), when asked to: see {@link Tally.report}. */
  print(): void {
    Tally.report(this.line());
  }

  /**
   * Prints a line of the security report only with `WXPAY_SECURITY_REPORT=1` in the
   * environment, so a plain `pnpm test` stays quiet and the tallies are there on request.
   */
  static report(line: string): void {
    if (process.env.WXPAY_SECURITY_REPORT) console.log(line);
  }
}

function preview(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return `non-error thrown: ${String(error)}`.slice(0, 300);
}

/** Records unhandled rejections while installed. */
export class RejectionRecorder {
  readonly seen: unknown[] = [];
  readonly #listener = (reason: unknown) => {
    this.seen.push(reason);
  };

  install(): void {
    process.on('unhandledRejection', this.#listener);
  }

  uninstall(): void {
    process.off('unhandledRejection', this.#listener);
  }
}

/** A copy of `bytes` with bit `bit` (0–7) of byte `index` inverted. */
export function flipBit(bytes: Uint8Array, index: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ (1 << bit);
  return copy;
}

/** Lets pending timers and microtasks run, so late unhandled rejections surface. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
