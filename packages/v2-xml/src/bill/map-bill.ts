import { StringDecoder } from 'node:string_decoder';
import type { Bill, BillLine, DownloadBillParams } from '../types.js';

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

/** Splits a byte stream into text lines (LF or CRLF), decoding UTF-8 across chunk borders. */
async function* linesOf(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    pending += decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      yield stripCr(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.end();
  if (pending !== '') yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Reads a statement line by line from a byte stream: header, detail rows (backtick-prefixed),
 * then the summary header and summary row. A UTF-8 BOM and CRLF line ends are tolerated. Only
 * one line is held at a time, so bills of any size stream in constant memory; a failing source
 * rejects the iteration.
 */
export async function* billLines(source: AsyncIterable<Buffer>): AsyncGenerator<BillLine> {
  let section: BillLine['section'] = 'header';
  let first = true;
  for await (const rawLine of linesOf(source)) {
    let line = rawLine;
    if (first && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    first = false;
    if (line === '') continue;
    if (section === 'header') {
      yield { section, cells: cells(line) };
      section = 'row';
    } else if (section === 'row' && line.startsWith('`')) {
      yield { section, cells: cells(line) };
    } else if (section === 'row') {
      yield { section: 'summaryHeader', cells: cells(line) };
      section = 'summary';
    } else {
      yield { section: 'summary', cells: cells(line) };
    }
  }
}

/** Collects {@link billLines} into a {@link Bill}. */
export async function parseBill(source: AsyncIterable<Buffer>): Promise<Bill> {
  let header: string[] = [];
  let summaryHeader: string[] = [];
  let summary: string[] = [];
  const rows: string[][] = [];
  for await (const line of billLines(source)) {
    if (line.section === 'header') header = line.cells;
    else if (line.section === 'row') rows.push(line.cells);
    else if (line.section === 'summaryHeader') summaryHeader = line.cells;
    else summary = line.cells;
  }
  return { header, rows, summaryHeader, summary };
}
