/** A flat set of v2 fields as sent or received; `undefined`/`null` mean "absent". */
export type V2Fields = Readonly<Record<string, string | number | null | undefined>>;

const NEEDS_BYTE_ORDER = /[\uD800-\uFFFF]/;

/**
 * The v2 canonical string (`stringSignTemp`, docs/protocol/v2.md): every non-empty field except
 * `sign`, sorted by name in byte order, joined as `name=value` with `&`, then `&key=<apiKey>`.
 * Values are used raw (no URL or XML escaping, no trimming).
 */
export function buildSignString(fields: V2Fields, apiKey: string): string {
  const names: string[] = [];
  for (const name of Object.keys(fields)) {
    if (name === 'sign') continue;
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    names.push(name);
  }
  // UTF-16 code-unit order equals UTF-8 byte order except for surrogate pairs against
  // U+E000–U+FFFF; only names containing those need the slower byte comparison.
  if (names.some((n) => NEEDS_BYTE_ORDER.test(n))) names.sort(compareBytes);
  else names.sort();
  let out = '';
  for (const name of names) out += `${name}=${String(fields[name])}&`;
  return `${out}key=${apiKey}`;
}

function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
