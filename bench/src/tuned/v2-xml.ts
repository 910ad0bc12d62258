/**
 * Tuned copies of `@wxpay/v2-xml` `xml/build-xml.ts` and a fast path for `xml/parse-xml.ts`.
 *
 * buildXml: the adapter runs two regular expressions per field (name check, plain-number
 * check) and a `replaceAll` per value; here a checked name is remembered (names come from the
 * adapter's code, a bounded set), digits are recognised with a char loop, and `replaceAll`
 * runs only when the value contains `]]>`.
 *
 * parseXml: the adapter validates the whole document with `XMLValidator.validate` and then
 * parses it again with `XMLParser` (attributes kept, entities processed), i.e. two full
 * fast-xml-parser passes per reply. The fast path below accepts only the exact shape WeChat Pay
 * sends — `<xml>` then flat `<name>text</name>` / `<name><![CDATA[text]]></name>` children
 * separated by whitespace — and returns `undefined` for anything else (declaration, DOCTYPE,
 * attributes, entities, nesting, repeats, a second CDATA section, CR, self-closing tags, …), in
 * which case the adapter's strict path runs unchanged and raises the same errors. The same
 * size cap and DOCTYPE/entity refusal are applied first, so the fast path is never less strict.
 * (The adapter adopted an equivalent fast path, `xml/parse-flat-fast.ts`, during this work; this
 * copy stays as the reference the equivalence check and case B measure.)
 */
import { MalformedMessageError } from '@wxpay/core';
import { parseXml as strictParseXml } from '@wxpay/v2-xml';

// The tuned buildXml was adopted by @wxpay/v2-xml as is; re-exported so the tuned rows keep
// measuring the same pieces.
export { buildXml } from '@wxpay/v2-xml';

const FORBIDDEN = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const CDATA_OPEN = '<![CDATA[';
// Names fast-xml-parser refuses or treats specially (prototype pollution guards): always left
// to the strict path so that it raises its own error.
const RESERVED = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9) return i;
    i++;
  }
}

/**
 * The flat fast path: the fields of a `<root>` document of the common shape, or `undefined`
 * when the document is anything else (then the strict parser must decide).
 */
export function parseFlatFast(text: string, root = 'xml'): Record<string, string> | undefined {
  const open = `<${root}>`;
  if (!text.startsWith(open)) return undefined;
  const out: Record<string, string> = {};
  let i = open.length;
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== 60 /* < */) return undefined;
    if (text.charCodeAt(i + 1) === 47 /* / */) {
      const close = `</${root}>`;
      if (!text.startsWith(close, i)) return undefined;
      return skipSpace(text, i + close.length) === text.length ? out : undefined;
    }
    // <name>
    const nameStart = i + 1;
    if (!isNameStart(text.charCodeAt(nameStart))) return undefined;
    let j = nameStart + 1;
    while (isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 62 /* > */) return undefined;
    const name = text.slice(nameStart, j);
    if (RESERVED.has(name) || Object.hasOwn(out, name)) return undefined;
    j++;
    let value: string;
    let end: number;
    if (text.startsWith(CDATA_OPEN, j)) {
      const from = j + CDATA_OPEN.length;
      const stop = text.indexOf(']]>', from);
      if (stop < 0) return undefined;
      value = text.slice(from, stop);
      end = stop + 3;
    } else {
      const stop = text.indexOf('<', j);
      if (stop < 0) return undefined;
      value = text.slice(j, stop);
      // Entities and "]]>" in text go to the strict parser.
      if (value.includes('&') || value.includes(']]>')) return undefined;
      end = stop;
    }
    if (value.includes('\r')) return undefined;
    // </name>
    if (
      text.charCodeAt(end) !== 60 ||
      text.charCodeAt(end + 1) !== 47 ||
      !text.startsWith(name, end + 2) ||
      text.charCodeAt(end + 2 + name.length) !== 62
    ) {
      return undefined;
    }
    out[name] = value;
    i = end + 3 + name.length;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The adapter's `parseXml` with the fast path in front: same results, same errors. */
export function parseXml(
  input: string | Uint8Array,
  options: { root?: 'xml' | 'root'; maxBytes?: number } = {},
): Record<string, string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Cheap bound first: a string's UTF-8 size is at most 3 bytes per UTF-16 unit.
  const size =
    typeof input !== 'string'
      ? input.byteLength
      : input.length * 3 <= maxBytes
        ? 0
        : Buffer.byteLength(input, 'utf8');
  if (size > maxBytes) return strictParseXml(input, options);
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      return strictParseXml(input, options);
    }
  }
  if (FORBIDDEN.test(text)) return strictParseXml(text, options);
  return parseFlatFast(text, options.root ?? 'xml') ?? strictParseXml(text, options);
}

/** Re-exported so callers can tell the error type apart. */
export { MalformedMessageError };
