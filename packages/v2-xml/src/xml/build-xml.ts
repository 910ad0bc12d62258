/** Flat field values accepted by {@link buildXml}; absent and empty values are omitted. */
export type XmlFields = Readonly<Record<string, string | number | null | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN_NUMBER = /^-?\d+$/;

/**
 * Builds a flat `<xml>` body (PROTOCOL.md §1.4): integers bare, every other value in CDATA,
 * with `]]>` split across two CDATA sections so any text round-trips. Field names are checked
 * because they are written unescaped.
 */
export function buildXml(fields: XmlFields, root = 'xml'): string {
  let out = `<${root}>`;
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    if (!NAME.test(name)) throw new TypeError(`invalid XML field name: ${JSON.stringify(name)}`);
    const text = String(value);
    out +=
      typeof value === 'number' || PLAIN_NUMBER.test(text)
        ? `<${name}>${text}</${name}>`
        : `<${name}><![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${name}>`;
  }
  return `${out}</${root}>`;
}
