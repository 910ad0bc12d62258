import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBeijingTime, parseBeijingTime } from '../src/index.js';

describe('Beijing time (fixed UTC+8)', () => {
  it('reads both v2 formats as UTC+8', () => {
    expect(parseBeijingTime('20141111170043')?.toISOString()).toBe('2014-11-11T09:00:43.000Z');
    expect(parseBeijingTime('2018-11-19 16:24:13')?.toISOString()).toBe('2018-11-19T08:24:13.000Z');
    // Just after midnight in Beijing is the previous day in UTC.
    expect(parseBeijingTime('20240101000000')?.toISOString()).toBe('2023-12-31T16:00:00.000Z');
  });

  it.each([
    '',
    '2014111117004',
    '201411111700430',
    '20141332170043',
    '20140230120000',
    '20141111250000',
    '2018-11-19T16:24:13',
    'abcdefghijklmn',
  ])('rejects %j', (text) => {
    expect(parseBeijingTime(text)).toBeUndefined();
  });

  it('format and parse are inverse for whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800 }), (seconds) => {
        const date = new Date(seconds * 1000);
        const text = formatBeijingTime(date);
        expect(text).toMatch(/^\d{14}$/);
        expect(parseBeijingTime(text)?.getTime()).toBe(date.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
