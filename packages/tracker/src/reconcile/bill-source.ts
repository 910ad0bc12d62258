import { ApiError, type CallOptions, ConfigError, type PaymentClient } from '@wxpay/core';
import { csvLines } from './bill-lines.js';

/** The v2 client's streaming statement download. */
interface V2BillStreamer {
  streamBill(
    params: { billDate: string; billType?: 'ALL' },
    options?: CallOptions,
  ): Promise<AsyncIterable<{ readonly cells: string[] }>>;
}

/** The v3 client's trade bill download. */
interface V3BillDownloader {
  downloadTradeBill(
    params: { billDate: string; billType?: 'ALL' },
    options?: CallOptions,
  ): Promise<{ readonly stream: AsyncIterable<Buffer> }>;
}

const hasMethod = (client: object, name: string) =>
  typeof (client as Record<string, unknown>)[name] === 'function';

// "No bill for that day": v2 error_code 20002 (No Bill Exist), v3 NO_STATEMENT_EXIST.
const isNoBill = (error: unknown) =>
  ApiError.isInstance(error) && (error.code === '20002' || error.code === 'NO_STATEMENT_EXIST');

/**
 * Opens the trade bill (type ALL) of a Beijing day as a stream of lines of cells, through
 * whichever download the client has (v2 `streamBill`, v3 `downloadTradeBill`; a migration
 * client's `billClient`). Undefined when WeChat Pay has no bill for the day. `onBytes` counts
 * the bytes read.
 */
export async function openTradeBill(
  tracked: PaymentClient,
  billDate: string,
  onBytes: (n: number) => void,
  options: CallOptions,
): Promise<AsyncIterable<string[]> | undefined> {
  const client = (tracked as { billClient?: PaymentClient }).billClient ?? tracked;
  try {
    if (hasMethod(client, 'downloadTradeBill')) {
      const download = await (client as unknown as V3BillDownloader).downloadTradeBill(
        { billDate, billType: 'ALL' },
        options,
      );
      return csvLines(download.stream, onBytes);
    }
    if (hasMethod(client, 'streamBill')) {
      const lines = await (client as unknown as V2BillStreamer).streamBill(
        { billDate: billDate.replaceAll('-', ''), billType: 'ALL' },
        options,
      );
      return (async function* () {
        for await (const line of lines) {
          onBytes(line.cells.reduce((n, c) => n + c.length + 1, 0));
          yield line.cells;
        }
      })();
    }
  } catch (error) {
    if (isNoBill(error)) return undefined;
    throw error;
  }
  throw new ConfigError(
    'the client cannot download trade bills (needs streamBill or downloadTradeBill)',
  );
}
