import { ResponseValidationError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, toApiError } from '../src/map-error.js';
import { formatRfc3339Beijing, parseRfc3339 } from '../src/map-time.js';

describe('time mapping', () => {
  it('formats time_expire in Beijing time regardless of the host zone', () => {
    expect(formatRfc3339Beijing(new Date('2014-11-11T09:00:43.999Z'))).toBe(
      '2014-11-11T17:00:43+08:00',
    );
    expect(formatRfc3339Beijing(new Date('2025-12-31T20:00:00Z'))).toBe(
      '2026-01-01T04:00:00+08:00',
    );
  });

  it('parses RFC 3339 with offsets; refuses anything else', () => {
    expect(parseRfc3339('2018-06-08T10:34:56+08:00', 'success_time', {})?.toISOString()).toBe(
      '2018-06-08T02:34:56.000Z',
    );
    expect(parseRfc3339(undefined, 'x', {})).toBeUndefined();
    expect(parseRfc3339('', 'x', {})).toBeUndefined();
    expect(() => parseRfc3339('20141111170043', 'success_time', {})).toThrow(
      ResponseValidationError,
    );
    expect(() => parseRfc3339('2018-13-45T99:00:00Z', 'success_time', {})).toThrow(/RFC 3339/);
  });
});

describe('error mapping helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-11-23T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 23 Nov 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sat, 22 Nov 2025 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('keeps a non-JSON error body (truncated) and derives a code from the status', () => {
    const err = toApiError(
      { status: 502, headers: { 'request-id': 'R1' }, body: `<html>${'x'.repeat(1000)}</html>` },
      'order',
      0,
    );
    expect(err.code).toBe('HTTP_502');
    expect(err.retryable).toBe(true);
    expect(err.requestId).toBe('R1');
    expect(String(err.raw).length).toBe(512);
    expect(err.message).toContain('Request-ID R1');
  });
});
