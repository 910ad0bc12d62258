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

  it('refuses a repeated key wherever it is, however the text is spaced (the key count only picks the path)', () => {
    // Whitespace between a key and its colon, pretty-printed text, __proto__ (an own property
    // in JSON.parse), and a repeat deep in an array: each goes through the exact scan and is
    // refused with the key named.
    for (const [text, key] of [
      ['{ "a" : 1 ,\n "a"\t: 2 }', 'a'],
      ['{"__proto__":1,"__proto__":2}', '__proto__'],
      ['{"x":[[{"k":1,"j":{"k":2},"k":3}]]}', 'k'],
    ] as const) {
      expect(readStrictJson(text), text).toEqual({
        ok: false,
        problem: 'duplicate-key',
        detail: `has the key ${JSON.stringify(key)} twice in one object`,
      });
    }
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
          minKeys: 1,
          maxKeys: 6,
        }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 1 }),
        fc.constantFrom(' ', '\n', ''),
        (record, pick, extra, space) => {
          const keys = Object.keys(record);
          const key = keys[pick % keys.length] as string;
          const text = JSON.stringify(record).replace(
            /}$/,
            `,${space}${JSON.stringify(key)}${space}:${JSON.stringify(extra)}}`,
          );
          expect(readStrictJson(text)).toMatchObject({ ok: false, problem: 'duplicate-key' });
          expect(scanJson(text).duplicateKey).toBe(key);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
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
