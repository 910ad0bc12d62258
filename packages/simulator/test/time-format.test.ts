import { describe, expect, it } from 'vitest';
import {
  billDate,
  formatCompact,
  formatDashed,
  formatRfc3339,
  parseCompact,
  parseRfc3339,
} from '../src/time-format.js';

// docs/protocol/trade-states.md: 20141111170043 ≡ 2014-11-11T17:00:43+08:00 ≡ 2014-11-11T09:00:43Z.
const instant = Date.UTC(2014, 10, 11, 9, 0, 43);

describe('Beijing time formats', () => {
  it('formats one instant in the three wire formats', () => {
    expect(formatCompact(instant)).toBe('20141111170043');
    expect(formatDashed(instant)).toBe('2014-11-11 17:00:43');
    expect(formatRfc3339(instant)).toBe('2014-11-11T17:00:43+08:00');
  });

  it('parses them back to the same instant, whatever the host time zone', () => {
    expect(parseCompact('20141111170043')).toBe(instant);
    expect(parseRfc3339('2014-11-11T17:00:43+08:00')).toBe(instant);
    expect(parseRfc3339('2014-11-11T09:00:43Z')).toBe(instant);
    expect(parseCompact('2014111117004')).toBeUndefined();
    expect(parseRfc3339('2014-11-11 17:00:43')).toBeUndefined();
  });

  it('bill dates follow the Beijing calendar day', () => {
    // 16:30 UTC is already the next day in Beijing.
    expect(billDate(Date.UTC(2024, 0, 31, 16, 30))).toEqual({
      compact: '20240201',
      dashed: '2024-02-01',
    });
  });
});
