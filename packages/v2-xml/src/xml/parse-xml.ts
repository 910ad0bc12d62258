import { MalformedMessageError } from '@wxpay/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseFlatFast } from './parse-flat-fast.js';

/** A decoded flat v2 message: every value a string, exactly as sent. */
export type XmlMessage = Record<string, string>;

/** Options of {@link parseXml}. */
export interface ParseXmlOptions {
  /** The expected root element (`xml`; `root` for a decrypted refund `req_info`). */
  readonly root?: 'xml' | 'root';
  /** Largest accepted input, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
// DOCTYPE and entity declarations are refused before the parser sees them: no XXE, no
// entity expansion ("billion laughs"), whatever the parser's own defences.
const FORBIDDEN = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;
const WHITESPACE = /^\s*$/;
const LEADING_DECLARATION = /^\uFEFF?\s*<\?xml\s[^?]*\?>/;
// Characters XML 1.0 does not allow anywhere in a document (C0 controls but tab, LF and CR;
// U+FFFE, U+FFFF), which some parsers pass through; garbage from a tampered ciphertext is
// refused here too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

// Two parsers, each configured once: values stay strings, CDATA untouched, attributes kept
// (not ignored) so their presence can be detected and refused. Entity decoding costs about a
// third of the parse, and a body without `&` has nothing to decode, so that common case uses
// the parser that skips it.
const common = {
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;
const plainParser = new XMLParser({ ...common, processEntities: false });
const entityParser = new XMLParser({ ...common, processEntities: true, htmlEntities: true });

/**
 * Parses a flat WeChat Pay v2 XML message into a record of strings. Rejects, with
 * {@link MalformedMessageError}: ill-formed XML, DOCTYPE/entity declarations, a root other than
 * the expected one, attributes, nested elements, repeated fields, text outside fields, and input
 * over the size cap.
 */
export function parseXml(input: string | Uint8Array, options: ParseXmlOptions = {}): XmlMessage {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings skip the exact count.
  const size =
    typeof input !== 'string'
      ? input.byteLength
      : input.length * 3 <= maxBytes
        ? 0
        : Buffer.byteLength(input, 'utf8');
  if (size > maxBytes) throw new MalformedMessageError(`XML message exceeds ${maxBytes} bytes`);
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (FORBIDDEN.test(text)) {
    throw new MalformedMessageError('XML message contains a DOCTYPE or entity declaration');
  }
  if (NOT_XML_CHAR.test(text)) {
    throw new MalformedMessageError('XML message contains characters not allowed in XML');
  }
  return parseFlatFast(text, options.root ?? 'xml') ?? parseXmlStrict(text, options.root ?? 'xml');
}

/**
 * The strict path: fast-xml-parser's validator, then its parser, then the flat-shape checks.
 * Exported for tests that compare it with the fast path.
 */
export function parseXmlStrict(text: string, rootName: 'xml' | 'root'): XmlMessage {
  // Comments and processing instructions are markup a signature does not cover; WeChat Pay
  // sends neither (a leading XML declaration aside). Any other `<!` is a spoiled CDATA opener
  // that fast-xml-parser would read as CDATA anyway (it only checks for `<![`).
  const problem = markupProblem(text.replace(LEADING_DECLARATION, ''));
  if (problem) throw new MalformedMessageError(problem);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new MalformedMessageError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  let tree: unknown;
  try {
    tree = (text.includes('&') ? entityParser : plainParser).parse(text);
  } catch (error) {
    throw new MalformedMessageError('malformed XML', { cause: safeCause(error) });
  }
  const top = tree as Record<string, unknown>;
  const keys = Object.keys(top);
  if (keys.length !== 1 || keys[0] !== rootName) {
    throw new MalformedMessageError(`expected a single <${rootName}> root element`);
  }
  const body = top[rootName];
  const out: XmlMessage = {};
  if (body === '' || (typeof body === 'string' && WHITESPACE.test(body))) return out;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedMessageError(`<${rootName}> must contain only field elements`);
  }
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '#text') {
      if (typeof value === 'string' && WHITESPACE.test(value)) continue;
      throw new MalformedMessageError(`text outside a field in <${rootName}>`);
    }
    if (name.startsWith('@_')) throw new MalformedMessageError('XML attributes are not allowed');
    if (Array.isArray(value)) throw new MalformedMessageError(`field <${name}> is repeated`);
    if (typeof value !== 'string') {
      throw new MalformedMessageError(`field <${name}> must be flat text (no attributes/children)`);
    }
    out[name] = value;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedMessageError('XML message is not valid UTF-8');
  }
}

function safeCause(error: unknown): { message: string } {
  return { message: error instanceof Error ? error.message : String(error) };
}

// Names fast-xml-parser renames (`toString` → `__toString`) or refuses: the decoded message
// would not be the one on the wire, so they are refused here, with a clear error.
const RESERVED_TAG = new RegExp(
  `</?(?:${[...Object.getOwnPropertyNames(Object.prototype), 'prototype'].join('|')})[\\s/>]`,
);

/**
 * Why the markup outside well-formed CDATA sections is not acceptable (`<?`, `<!`, a reserved
 * element name), or undefined. Linear: one indexOf walk over the CDATA sections.
 */
function markupProblem(text: string): string | undefined {
  let from = 0;
  for (;;) {
    const open = text.indexOf('<![CDATA[', from);
    const segment = open < 0 ? text.slice(from) : text.slice(from, open);
    if (segment.includes('<?') || segment.includes('<!')) {
      return 'XML comments, processing instructions and malformed CDATA are not allowed';
    }
    if (RESERVED_TAG.test(segment))
      return 'XML element names of JavaScript built-ins are not allowed';
    if (open < 0) return undefined;
    const close = text.indexOf(']]>', open + 9);
    // An unclosed CDATA section is the validator's error to report.
    if (close < 0) return undefined;
    from = close + 3;
  }
}
