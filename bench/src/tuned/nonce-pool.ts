/**
 * Tuned copy of core's `randomNonce` for the v2 hot path: the same alphabet and the same
 * rejection of biased bytes, but the random bytes come from a 4 KiB pool refilled with one
 * `randomFillSync` call instead of a `randomBytes(64)` call per nonce.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** A random string of `length` characters of `[A-Za-z0-9]`, unbiased. */
export function pooledNonce(length = 32): string {
  let out = '';
  while (out.length < length) {
    if (offset >= pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const byte = pool[offset++] as number;
    // 62 * 4 = 248: bytes >= 248 would bias the first characters, so they are dropped.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}
