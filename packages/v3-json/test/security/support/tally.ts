import { WxPayError, type WxPayErrorClass } from '@wxpay/core';

/** A wxpay error class with its `isInstance` check. */
export type ErrorClass = WxPayErrorClass & { isInstance(value: unknown): boolean };

/** One input that did not behave: accepted when it must be refused, or refused the wrong way. */
export interface Miss {
  readonly label: string;
  readonly outcome: string;
}

/**
 * Counts, per category, how many inputs were tried, refused with the expected typed error,
 * accepted wrongly, and (for fuzzing) accepted as valid. `line()` is the closing-note summary.
 */
export class Tally {
  tried = 0;
  rejected = 0;
  acceptedWrongly = 0;
  acceptedValid = 0;
  /** Inputs that failed with an error other than the expected one. */
  readonly misses: Miss[] = [];

  constructor(readonly category: string) {}

  /** `run` must reject with `expected` (any subclass counts); anything else is recorded. */
  async rejects(label: string, run: () => Promise<unknown>, expected: ErrorClass): Promise<void> {
    this.tried++;
    let result: unknown;
    try {
      result = await run();
    } catch (error) {
      if (expected.isInstance(error)) {
        this.rejected++;
        return;
      }
      this.misses.push({ label, outcome: describe(error) });
      return;
    }
    this.acceptedWrongly++;
    this.misses.push({ label, outcome: `accepted: ${JSON.stringify(result)?.slice(0, 200)}` });
  }

  /** `run` must resolve; `check` may inspect the result (throw to fail it). */
  async accepts<T>(label: string, run: () => Promise<T>, check?: (value: T) => void) {
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
   * Fuzz outcome: a typed wxpay error is a rejection, a resolved value is valid if `isValid`
   * says so; an untyped error or an invalid value is recorded.
   */
  async fuzz<T>(label: string, run: () => Promise<T>, isValid: (value: T) => boolean) {
    this.tried++;
    try {
      const value = await run();
      if (isValid(value)) this.acceptedValid++;
      else {
        this.acceptedWrongly++;
        this.misses.push({
          label,
          outcome: `invalid result ${JSON.stringify(value)?.slice(0, 200)}`,
        });
      }
    } catch (error) {
      if (WxPayError.isInstance(error)) this.rejected++;
      else this.misses.push({ label, outcome: describe(error) });
    }
  }

  /** The closing-note line. */
  line(): string {
    const valid = this.acceptedValid > 0 ? ` (accepted-valid ${this.acceptedValid})` : '';
    return `[security] ${this.category}: tried ${this.tried}, rejected ${this.rejected}, accepted-wrongly ${this.acceptedWrongly}${valid}`;
  }

  /** Prints the summary line. */
  print(): void {
    console.log(this.line());
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

/** Flips bit `bit` (0–7) of byte `index` of a copy of `bytes`. */
export function flipBit(bytes: Uint8Array, index: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ (1 << bit);
  return copy;
}

/** Lets pending microtasks and timers run so late unhandled rejections surface. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
