import { describe, expect, it } from 'vitest';
import { randomNonce, unixSeconds } from '../src/clock.js';

describe('randomNonce', () => {
  it('returns alphanumeric strings of the requested length', () => {
    for (const length of [1, 16, 32, 64]) {
      const nonce = randomNonce(length);
      expect(nonce).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
    }
    expect(randomNonce()).toHaveLength(32);
  });

  it('does not repeat and uses the whole alphabet', () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const n = randomNonce();
      seen.add(n);
      for (const c of n) chars.add(c);
    }
    expect(seen.size).toBe(2_000);
    expect(chars.size).toBe(62);
  });
});

describe('unixSeconds', () => {
  it('floors the clock to whole seconds', () => {
    expect(unixSeconds({ now: () => 1_554_208_460_999 })).toBe(1_554_208_460);
  });
});
