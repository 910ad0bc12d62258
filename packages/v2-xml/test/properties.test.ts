import { MalformedMessageError } from '@wxpay/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSignString,
  buildXml,
  parseXml,
  type SignType,
  signFields,
  verifyFields,
} from '../src/index.js';

const KEY = fc.string({
  unit: fc.constantFrom(...'0123456789abcdefABCDEFxyz'),
  minLength: 32,
  maxLength: 32,
});
const NAME = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).filter((n) => n !== 'sign');
// Characters XML 1.0 can carry (no C0 controls except tab/newline, no lone surrogates, no CR,
// which XML parsers normalise).
const XML_CHAR = fc.oneof(
  fc.constantFrom('\t', '\n', ' ', '<', '>', '&', ']', ']]>', '"', "'", '=', '中', '😀'),
  fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)),
);
const VALUE = fc.string({ unit: XML_CHAR, maxLength: 40 });
const FIELDS = fc.dictionary(NAME, VALUE, { maxKeys: 12 });
const SIGN_TYPE = fc.constantFrom<SignType>('MD5', 'HMAC-SHA256');

describe('properties', () => {
  it('sign/verify round-trips for random field sets in both sign types', () => {
    fc.assert(
      fc.property(FIELDS, KEY, SIGN_TYPE, (fields, key, type) => {
        const sign = signFields(fields, key, type);
        expect(sign).toMatch(type === 'MD5' ? /^[0-9A-F]{32}$/ : /^[0-9A-F]{64}$/);
        expect(verifyFields({ ...fields, sign }, sign, key, type)).toBe(true);
        expect(verifyFields(fields, sign, key, type === 'MD5' ? 'HMAC-SHA256' : 'MD5')).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('field names are ordered by UTF-8 bytes, whatever the characters', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        (names) => {
          const clean = names.filter((n) => n !== 'sign' && !n.includes('=') && !n.includes('&'));
          const fields = Object.fromEntries(clean.map((n) => [n, 'v']));
          const byBytes = [...clean].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
          const expected = `${byBytes.map((n) => `${n}=v&`).join('')}key=k`;
          expect(buildSignString(fields, 'k')).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('changing any non-empty field breaks the signature', () => {
    fc.assert(
      fc.property(
        FIELDS.filter((f) => Object.values(f).some((v) => v !== '')),
        KEY,
        SIGN_TYPE,
        fc.nat(),
        (fields, key, type, pick) => {
          const names = Object.keys(fields).filter((n) => fields[n] !== '');
          const name = names[pick % names.length]!;
          const sign = signFields(fields, key, type);
          expect(verifyFields({ ...fields, [name]: `${fields[name]}x` }, sign, key, type)).toBe(
            false,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('buildXml → parseXml round-trips every non-empty field exactly', () => {
    fc.assert(
      fc.property(FIELDS, (fields) => {
        const expected = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
        expect(parseXml(buildXml(fields))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  const TOKENS = fc.constantFrom(
    '<xml>',
    '</xml>',
    '<root>',
    '<a>',
    '</a>',
    '<b/>',
    '<![CDATA[',
    ']]>',
    '&amp;',
    '&lt;',
    '&#65;',
    '&x;',
    '&',
    '<!DOCTYPE xml>',
    '<!ENTITY x "y">',
    '<?xml version="1.0"?>',
    '<!-- c -->',
    ' a="1"',
    '<',
    '>',
    '/',
    'x',
    ' ',
    '\n',
    '中',
    '__proto__',
  );

  it('random input to parseXml yields a flat string record or a MalformedMessageError, nothing else', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(TOKENS, { maxLength: 30 }).map((t) => t.join('')),
    );
    fc.assert(
      fc.property(input, (text) => {
        let result: unknown;
        try {
          result = parseXml(text);
        } catch (error) {
          expect(MalformedMessageError.isInstance(error)).toBe(true);
          return;
        }
        expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
        for (const value of Object.values(result as Record<string, unknown>))
          expect(typeof value).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes to parseXml never throw anything but MalformedMessageError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          parseXml(bytes);
        } catch (error) {
          expect(MalformedMessageError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
