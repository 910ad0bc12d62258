/** Flat field values accepted by {@link buildXml}; absent and empty values are omitted. */
export type XmlFields = Readonly<Record<string, string | number | null | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Field names come from the adapter's own code, a small set: each is checked once, not per
// request (building a request is on every call's hot path). Bounded so hostile callers cannot
// grow it without limit.
const checkedNames = new Set<string>();
const MAX_CHECKED_NAMES = 1024;

function isPlainInteger(text: string): boolean {
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Builds a flat `<xml>` body (docs/protocol/v2.md): integers bare, every other value in CDATA,
 * with `]]>` split across two CDATA sections so any text round-trips. Field names are checked
 * because they are written unescaped.
 */
export function buildXml(fields: XmlFields, root = 'xml'): string {
  let out = `<${root}>`;
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    if (!checkedNames.has(name)) {
      if (!NAME.test(name)) throw new TypeError(`invalid XML field name: ${JSON.stringify(name)}`);
      if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.add(name);
    }
    const text = String(value);
    if (typeof value === 'number' || isPlainInteger(text)) {
      out += `<${name}>${text}</${name}>`;
    } else {
      const safe = text.includes(']]>') ? text.replaceAll(']]>', ']]]]><![CDATA[>') : text;
      out += `<${name}><![CDATA[${safe}]]></${name}>`;
    }
  }
  return `${out}</${root}>`;
}
