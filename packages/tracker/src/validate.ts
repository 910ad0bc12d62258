import { ValidationError } from '@wxpay/core';
import type { TrackedKind } from './types.js';

const KINDS: ReadonlySet<string> = new Set([
  'jsapi',
  'miniprogram',
  'app',
  'native',
  'h5',
  'micropay',
] satisfies TrackedKind[]);

/** A merchant order number as WeChat Pay accepts it (6–32 of `[0-9A-Za-z_-|*@]`, v2 allows 1+). */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{1,32}$/;

/** Throws a {@link ValidationError} naming `field` unless `value` is a valid Date. */
export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(`${field} must be a valid Date`, [
      { path: field, message: 'expected a valid Date' },
    ]);
  }
  return value;
}

export function requireOutTradeNo(value: unknown, field = 'outTradeNo'): string {
  if (typeof value !== 'string' || !OUT_TRADE_NO.test(value)) {
    throw new ValidationError(`${field} must be 1-32 characters of [0-9A-Za-z_-|*@]`, [
      { path: field, message: 'invalid merchant number' },
    ]);
  }
  return value;
}

export function requireKind(value: unknown): TrackedKind {
  if (typeof value !== 'string' || !KINDS.has(value)) {
    throw new ValidationError(`kind must be one of ${[...KINDS].join(', ')}`, [
      { path: 'kind', message: 'unknown kind' },
    ]);
  }
  return value as TrackedKind;
}

export function requireAmount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`${field} must be a positive integer (fen)`, [
      { path: field, message: 'expected a positive integer' },
    ]);
  }
  return value;
}
