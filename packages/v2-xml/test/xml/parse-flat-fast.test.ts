import { MalformedMessageError } from '@wxpay/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlatFast } from '../../src/xml/parse-flat-fast.js';
import { parseXml, parseXmlStrict } from '../../src/xml/parse-xml.js';

const NAMES = fc.constantFrom(
  'a',
  'b',
  'return_code',
  'sign',
  'A_1',
  '_x',
  'a-b',
  'a:b',
  'constructor',
  'toString',
  '__proto__',
  '1a',
);
const VALUE_UNIT = fc.constantFrom(
  'x',
  ' ',
  '\n',
  '\t',
  '\r',
  '中',
  '<',
  '>',
  '&',
  '&amp;',
  '&#65;',
  ']]>',
  ']',
  '"',
  "'",
  '/',
  '=',
);
const VALUE = fc.string({ unit: VALUE_UNIT, maxLength: 8 });
const SEP = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  \n');
const FIELD = fc.record({
  name: NAMES,
  closeName: fc.oneof(
    { weight: 9, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: NAMES },
  ),
  value: VALUE,
  cdata: fc.boolean(),
  sep: SEP,
});
const DOC = fc
  .record({
    root: fc.oneof(
      { weight: 9, arbitrary: fc.constant('xml') },
      { weight: 1, arbitrary: fc.constantFrom('root', 'xml x="1"', '?xml version="1.0"?><xml') },
    ),
    fields: fc.array(FIELD, { maxLength: 6 }),
    closeRoot: fc.oneof(
      { weight: 9, arbitrary: fc.constant('</xml>') },
      { weight: 1, arbitrary: fc.constantFrom('', '</root>', '</xml>junk', '</xml>\n') },
    ),
  })
  .map(({ root, fields, closeRoot }) => {
    let text = `<${root}>`;
    for (const f of fields) {
      const body = f.cdata ? `<![CDATA[${f.value}]]>` : f.value;
      text += `${f.sep}<${f.name}>${body}</${f.closeName ?? f.name}>`;
    }
    return text + closeRoot;
  });

function strict(text: string): { ok: Record<string, string> } | { error: unknown } {
  try {
    return { ok: parseXmlStrict(text, 'xml') };
  } catch (error) {
    return { error };
  }
}

describe('parseFlatFast', () => {
  it('parses the common WeChat shape', () => {
    expect(
      parseFlatFast('<xml>\n<a><![CDATA[x <&> y]]></a>\n<b>1</b><c></c>\n</xml>\n', 'xml'),
    ).toEqual({
      a: 'x <&> y',
      b: '1',
      c: '',
    });
  });

  it.each([
    '<?xml version="1.0"?><xml><a>1</a></xml>',
    '<xml><a x="1">1</a></xml>',
    '<xml><a>&amp;</a></xml>',
    '<xml><a><b>1</b></a></xml>',
    '<xml><a>1</a><a>2</a></xml>',
    '<xml><a><![CDATA[x]]]]><![CDATA[>y]]></a></xml>',
    '<xml><a>1\r\n</a></xml>',
    '<xml><a/></xml>',
    '<xml><constructor>1</constructor></xml>',
    '<xml><a>1</b></xml>',
    '<xml><a>1</a>',
    '<xml><a>1</a></xml>x',
  ])('leaves %j to the strict parser', (text) => {
    expect(parseFlatFast(text, 'xml')).toBeUndefined();
  });

  it('whenever it answers, the strict parser answers the same', () => {
    fc.assert(
      fc.property(DOC, (text) => {
        const fast = parseFlatFast(text, 'xml');
        if (fast === undefined) return;
        const slow = strict(text);
        expect(slow).toEqual({ ok: fast });
      }),
      { numRuns: 1000 },
    );
  });

  it('parseXml (fast path in front) and the strict parser agree on every document', () => {
    fc.assert(
      fc.property(DOC, (text) => {
        const slow = strict(text);
        let got: { ok: Record<string, string> } | { error: unknown };
        try {
          got = { ok: parseXml(text) };
        } catch (error) {
          got = { error };
        }
        if ('ok' in slow) expect(got).toEqual(slow);
        else expect('error' in got && MalformedMessageError.isInstance(got.error)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
