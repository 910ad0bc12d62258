import type { XmlMessage } from './parse-xml.js';

const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09;
}
function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}
function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39);
}
function skipSpace(text: string, at: number): number {
  let i = at;
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The fast path of {@link parseXml} for the one shape WeChat Pay actually sends: `<root>`, then
 * fields `<name>text</name>` or `<name><![CDATA[text]]></name>` separated by spaces, tabs or
 * newlines, then `</root>`. Every such document is well-formed XML and decodes to exactly what
 * the strict parser returns. Anything else — a declaration, attributes, entities, nesting,
 * repeated or reserved names, split CDATA, CR characters, self-closing tags — returns
 * `undefined` so that the strict parser decides (and raises its errors). It is never more
 * lenient than the strict path; it only skips its work for the common case.
 */
export function parseFlatFast(text: string, root: string): XmlMessage | undefined {
  const open = `<${root}>`;
  const close = `</${root}>`;
  if (!text.startsWith(open)) return undefined;
  const out: XmlMessage = {};
  let i = open.length;
  for (;;) {
    i = skipSpace(text, i);
    if (text.startsWith(close, i)) {
      return skipSpace(text, i + close.length) === text.length ? out : undefined;
    }
    if (text.charCodeAt(i) !== 0x3c /* < */ || !isNameStart(text.charCodeAt(i + 1))) {
      return undefined;
    }
    let end = i + 2;
    while (isNameChar(text.charCodeAt(end))) end++;
    if (text.charCodeAt(end) !== 0x3e /* > */) return undefined;
    const name = text.slice(i + 1, end);
    // Names the strict parser guards against (prototype keys) and repeats are its business.
    if (name in Object.prototype || Object.hasOwn(out, name)) return undefined;
    let from = end + 1;
    let value: string;
    if (text.startsWith(CDATA_OPEN, from)) {
      from += CDATA_OPEN.length;
      const stop = text.indexOf(CDATA_CLOSE, from);
      if (stop < 0) return undefined;
      value = text.slice(from, stop);
      i = stop + CDATA_CLOSE.length;
    } else {
      const stop = text.indexOf('<', from);
      if (stop < 0) return undefined;
      value = text.slice(from, stop);
      // Entity references need decoding and "]]>" is not allowed in text: strict path.
      if (value.includes('&') || value.includes(CDATA_CLOSE)) return undefined;
      i = stop;
    }
    // XML normalises CR line ends; leave that to the parser.
    if (value.includes('\r')) return undefined;
    const closing = `</${name}>`;
    if (!text.startsWith(closing, i)) return undefined;
    i += closing.length;
    out[name] = value;
  }
}
