import { ResponseValidationError } from '@wxpay/core';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * Formats a date as RFC 3339 in Beijing time (`2018-06-08T10:34:56+08:00`), the form WeChat
 * Pay documents for `time_expire`.
 */
export function formatRfc3339Beijing(date: Date): string {
  const shifted = new Date(Math.floor(date.getTime() / 1000) * 1000 + BEIJING_OFFSET_MS);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

/** Parses an RFC 3339 time from the wire; an unparsable value is a validation error. */
export function parseRfc3339(
  value: string | undefined,
  field: string,
  raw: unknown,
): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const date = new Date(value);
  if (!ok || Number.isNaN(date.getTime())) {
    throw new ResponseValidationError(`${field} is not an RFC 3339 time`, {
      issues: [{ path: field, message: 'must be an RFC 3339 time' }],
      raw,
    });
  }
  return date;
}
