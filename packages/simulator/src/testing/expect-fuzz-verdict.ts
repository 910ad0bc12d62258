import { expect } from 'vitest';
import type { Tally } from './tally.js';

/** What a fuzz run must reach, besides having no miss and nothing accepted wrongly. */
export interface FuzzVerdict {
  /** Exactly this many inputs were tried. */
  readonly tried?: number;
  /** More than this many inputs were refused with a typed error. */
  readonly minRejected?: number;
  /** More than this many inputs were valid and accepted. */
  readonly minAcceptedValid: number;
}

/**
 * The verdict on a fuzz run (both adapters' suites): prints the tally, then fails unless no
 * input behaved unexpectedly, no altered message was accepted, and the run reached both
 * outcomes as far as `verdict` asks — a run that only ever refused (or only accepted) what it
 * generated proved nothing.
 */
export function expectFuzzVerdict(tally: Tally, verdict: FuzzVerdict): void {
  tally.print();
  // The first few misses are enough to show what went wrong.
  expect(tally.misses.slice(0, 5)).toEqual([]);
  expect(tally.acceptedWrongly).toBe(0);
  if (verdict.tried !== undefined) expect(tally.tried).toBe(verdict.tried);
  if (verdict.minRejected !== undefined) {
    expect(tally.rejected).toBeGreaterThan(verdict.minRejected);
  }
  expect(tally.acceptedValid).toBeGreaterThan(verdict.minAcceptedValid);
}
