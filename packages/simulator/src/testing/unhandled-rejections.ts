import { afterAll, beforeAll, expect } from 'vitest';
import { RejectionRecorder, settle } from './tally.js';

/** The unhandled rejections of one test file, recorded by {@link recordUnhandledRejections}. */
export interface UnhandledRejections {
  /** Every rejection reason seen so far, oldest first. */
  readonly seen: readonly unknown[];
  /** Lets late rejections surface (see {@link settle}), then fails the test if any was seen. */
  expectNone(): Promise<void>;
}

/**
 * Records the unhandled rejections raised while a test file runs (a {@link RejectionRecorder}
 * installed before its tests, removed after them). Call it once at the top of the file: an
 * adversarial suite must show that no hostile input left a promise rejected unobserved.
 */
export function recordUnhandledRejections(): UnhandledRejections {
  const recorder = new RejectionRecorder();
  beforeAll(() => recorder.install());
  afterAll(() => recorder.uninstall());
  return {
    seen: recorder.seen,
    async expectNone() {
      await settle();
      expect(recorder.seen).toEqual([]);
    },
  };
}
