import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, readStrictJson, scanJson } from '../../src/schemas/strict-json.js';

describe('readStrictJson', () => {
  it('accepts what JSON.stringify writes, with the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const result = readStrictJson(Buffer.from(text));
        expect(result).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('equal keys in different objects, arrays of alike objects and look-alikes in strings are fine', () => {
    for (const text of [
      '{"a":{"x":1},"b":{"x":2}}',
      '{"promotion_detail":[{"coupon_id":"1","amount":1},{"coupon_id":"2","amount":2}]}',
      '{"a":"\\"a\\":1,","b":"{\\"a\\":2}"}',
      '{"a":[1,{"a":2}],"b":3}',
      '{"a\\\\":1,"a":2}',
    ]) {
      expect(readStrictJson(text), text).toMatchObject({ ok: true });
    }
  });

  it('refuses a key twice in one object, also when spelled with escapes', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"trade_state":"NOTPAY","x":{},"trade_state":"SUCCESS"}',
      '{"trade\\u005fstate":"NOTPAY","trade_state":"SUCCESS"}',
      '[{"a":1},{"b":{"c":1,"c":1}}]',
      // String ends after runs of backslashes: the scan must find the real closing quote.
      '{"a":"x\\\\","a":1}',
      '{"a":"\\"","a":1}',
      '{"a":"\\\\\\"\\\\","a":1}',
    ]) {
      expect(readStrictJson(text), text).toMatchObject({ ok: false, problem: 'duplicate-key' });
    }
  });

  it('refuses invalid UTF-8, syntax errors and nesting past the limit', () => {
    expect(readStrictJson(Buffer.from([0x22, 0xff, 0x22]))).toMatchObject({ problem: 'utf8' });
    expect(readStrictJson('{"a":1,}')).toMatchObject({ problem: 'syntax' });
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(readStrictJson(deep(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(readStrictJson(deep(MAX_JSON_DEPTH + 1))).toMatchObject({ problem: 'too-deep' });
    expect(scanJson(deep(1_000_000)).tooDeep).toBe(true);
  });
});
