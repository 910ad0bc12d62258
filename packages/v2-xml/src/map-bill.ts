import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Bill, DownloadBillParams } from './v2-types.js';

/** The business fields of `/pay/downloadbill`. */
export function toDownloadBillFields(
  params: DownloadBillParams,
): Record<string, string | undefined> {
  return {
    bill_date: params.billDate,
    bill_type: params.billType ?? 'ALL',
    tar_type: params.gzip ? 'GZIP' : undefined,
  };
}

// Detail cells are written as `value with a leading backtick so spreadsheets keep them text.
function cells(line: string): string[] {
  if (!line.startsWith('`')) return line.split(',');
  return line.slice(1).split(',`');
}

/**
 * Parses a statement line by line from a stream: header, detail rows (backtick-prefixed), then
 * the summary header and summary row. A UTF-8 BOM and CR line ends are tolerated.
 */
export async function parseBill(stream: Readable): Promise<Bill> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  let summaryHeader: string[] | undefined;
  let summary: string[] = [];
  const rows: string[][] = [];
  let first = true;
  for await (const rawLine of lines) {
    let line = rawLine;
    if (first && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    first = false;
    if (line === '') continue;
    if (header === undefined) header = cells(line);
    else if (summaryHeader === undefined && line.startsWith('`')) rows.push(cells(line));
    else if (summaryHeader === undefined) summaryHeader = cells(line);
    else summary = cells(line);
  }
  return { header: header ?? [], rows, summaryHeader: summaryHeader ?? [], summary };
}
