import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a CSV byte stream into lines of cells, one line in memory at a time. WeChat Pay
 * writes detail cells as `` `value `` so spreadsheets keep them as text; the backtick is removed.
 * A UTF-8 BOM and CRLF are tolerated.
 */
export async function* csvLines(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onBytes?: (n: number) => void,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let first = true;
  const cells = (raw: string): string[] => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    return line.split(',').map((c) => (c.startsWith('`') ? c.slice(1) : c));
  };
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    onBytes?.(buffer.length);
    pending += decoder.write(buffer);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() !== '') yield cells(line);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield cells(pending);
}

/** Parses a bill amount in yuan (`12.34`) to fen exactly, without floating point. */
export function yuanToFen(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}
