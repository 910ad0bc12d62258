import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: true,
  ignoreAttributes: true,
  trimValues: false,
  processEntities: true,
});

/** Thrown when a v2 body is not a flat `<xml>` document. */
export class XmlFormatError extends Error {}

/**
 * Parses a flat v2 XML message into string fields (no number coercion, CDATA kept verbatim).
 * Rejects DOCTYPE/ENTITY declarations, other roots, nested elements and repeated fields.
 */
export function parseXmlMessage(text: string, root = 'xml'): Record<string, string> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlFormatError('DOCTYPE is not allowed');
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch {
    throw new XmlFormatError('malformed XML');
  }
  if (typeof doc !== 'object' || doc === null) throw new XmlFormatError('malformed XML');
  const keys = Object.keys(doc).filter((k) => k !== '#text');
  if (keys.length !== 1 || keys[0] !== root) throw new XmlFormatError(`root must be <${root}>`);
  const body = (doc as Record<string, unknown>)[root];
  if (body === '' || body === undefined) return {};
  if (typeof body !== 'object' || body === null) throw new XmlFormatError('no fields');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '#text') continue;
    if (typeof value !== 'string') throw new XmlFormatError(`field ${name} is not flat`);
    out[name] = value;
  }
  return out;
}

function cdata(value: string): string {
  // `]]>` cannot appear inside one CDATA section: split it across two.
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** Builds a flat v2 XML message; digit-only values go bare, others in CDATA (as WeChat does). */
export function buildXml(
  fields: Readonly<Record<string, string | undefined>>,
  root = 'xml',
): string {
  let out = `<${root}>`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out += `<${name}>${/^\d+$/.test(value) ? value : cdata(value)}</${name}>`;
  }
  return `${out}</${root}>`;
}
