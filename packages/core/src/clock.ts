import { randomFillSync } from 'node:crypto';

/** A source of the current time, injectable so tests and the simulator can move time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Produces a fresh random nonce for each request attempt. */
export type NonceSource = () => string;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1');

// One 4 KiB draw from the CSPRNG serves about a hundred nonces: a randomBytes call per nonce
// costs more than the rest of building a v2 request.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

// The characters of one nonce, written here and read out as one string: appending character
// by character made a string per character.
let scratch = Buffer.alloc(64);

/**
 * A cryptographically random string of `[0-9A-Za-z]` (default 32 characters, as WeChat Pay
 * SDKs send). Uses rejection sampling so every character is equally likely.
 */
export function randomNonce(length = 32): string {
  if (scratch.length < length) scratch = Buffer.alloc(length);
  for (let i = 0; i < length; ) {
    const byte = nextByte();
    // 62 * 4 = 248: bytes >= 248 would bias the first characters, so they are dropped.
    if (byte < 248) scratch[i++] = ALPHABET_CODES[byte % 62] as number;
  }
  return scratch.toString('latin1', 0, length);
}

/** Unix time in whole seconds for a clock. */
export function unixSeconds(clock: Clock = systemClock): number {
  return Math.floor(clock.now() / 1000);
}
