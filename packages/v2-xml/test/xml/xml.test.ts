import { MalformedMessageError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { buildXml, parseXml } from '../../src/index.js';

function malformed(
  input: string | Uint8Array,
  options?: Parameters<typeof parseXml>[1],
): MalformedMessageError {
  try {
    parseXml(input, options);
  } catch (error) {
    expect(MalformedMessageError.isInstance(error)).toBe(true);
    return error as MalformedMessageError;
  }
  throw new Error('expected MalformedMessageError');
}

describe('buildXml', () => {
  it('writes integers bare, text in CDATA, omits empty values', () => {
    expect(buildXml({ a: 'x y', b: 1, c: '007', d: '', e: undefined, f: null })).toBe(
      '<xml><a><![CDATA[x y]]></a><b>1</b><c>007</c></xml>',
    );
  });

  it('splits ]]> so the text round-trips', () => {
    const value = 'a]]>b]]]>c<&>';
    expect(parseXml(buildXml({ v: value })).v).toBe(value);
  });

  it('refuses field names that would inject markup', () => {
    expect(() => buildXml({ 'a><b': 'x' })).toThrow(TypeError);
  });
});

describe('parseXml', () => {
  it('keeps values as strings, CDATA untouched, whitespace preserved', () => {
    const raw = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <total_fee>0100</total_fee>\n  <a><![CDATA[ x&amp; ]]></a><b>x&amp;y&#65;&#x4e2d;</b><c></c><d/>\n</xml>\n',
    );
    expect(raw).toEqual({ total_fee: '0100', a: ' x&amp; ', b: 'x&yA中', c: '', d: '' });
  });

  it('accepts bytes and strips a UTF-8 BOM; rejects invalid UTF-8', () => {
    expect(parseXml(Buffer.from('\uFEFF<xml><a>中</a></xml>', 'utf8'))).toEqual({ a: '中' });
    expect(
      malformed(
        Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]),
      ).message,
    ).toMatch(/UTF-8/);
  });

  it('parses an empty root as an empty message and the decrypted root element when asked', () => {
    expect(parseXml('<xml></xml>')).toEqual({});
    expect(parseXml('<root><a>1</a></root>', { root: 'root' })).toEqual({ a: '1' });
    expect(malformed('<root><a>1</a></root>').message).toMatch(/<xml>/);
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>'],
    [
      'external entity (XXE)',
      '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>',
    ],
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><xml><a>&lol9;</a></xml>`,
    ],
    ['lower-case doctype', '<!doctype xml><xml><a>1</a></xml>'],
    ['bare ENTITY', '<xml><a>1</a><!ENTITY x "y"></xml>'],
    ['nested element', '<xml><a><b>1</b></a></xml>'],
    ['attribute on a field', '<xml><a x="1">t</a></xml>'],
    ['attribute on the root', '<xml x="1"><a>t</a></xml>'],
    ['repeated field', '<xml><a>1</a><a>2</a></xml>'],
    ['text outside fields', '<xml>oops<a>1</a></xml>'],
    ['mismatched tags', '<xml><a>1</b></xml>'],
    ['unclosed root', '<xml><a>1</a>'],
    ['two roots', '<xml><a>1</a></xml><xml><b>2</b></xml>'],
    ['trailing text', '<xml><a>1</a></xml>junk'],
    ['wrong root', '<foo><a>1</a></foo>'],
    ['not XML', 'return_code=SUCCESS'],
    ['empty input', ''],
    ['bare ampersand', '<xml><a>1 & 2</a></xml>'],
    ['prototype key', '<xml><__proto__>1</__proto__></xml>'],
  ])('rejects %s', (_name, input) => {
    malformed(input);
  });

  it('rejects input over the size cap before parsing', () => {
    const big = `<xml><a>${'x'.repeat(2048)}</a></xml>`;
    expect(malformed(big, { maxBytes: 1024 }).message).toMatch(/1024 bytes/);
    expect(parseXml(big, { maxBytes: 4096 }).a).toHaveLength(2048);
  });
});
