import { type PaymentClient, ValidationError } from '@wxpay/core';
import type { TrackerBackend } from '../backend.js';
import { orderId, refundId, type TrackedItem } from '../items.js';
import { yuanToFen } from './bill-lines.js';
import { openTradeBill } from './bill-source.js';
import type {
  AmountMismatch,
  BillPayment,
  BillRefund,
  PaidNotFulfilled,
  ReconcileOptions,
  ReconcileReport,
} from './report.js';

// Column names of the trade bill (both protocols use the same layout).
const COLUMNS = {
  time: '交易时间',
  transactionId: '微信订单号',
  outTradeNo: '商户订单号',
  status: '交易状态',
  total: '订单金额',
  outRefundNo: '商户退款单号',
  refund: '退款金额',
  refundStatus: '退款状态',
} as const;

type Columns = Record<keyof typeof COLUMNS, number>;

const BATCH = 1_000;

function columnsOf(header: readonly string[]): Columns {
  const out = {} as Columns;
  for (const [key, name] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    const index = header.indexOf(name);
    if (index < 0) throw new ValidationError(`trade bill has no column ${key}`);
    out[key] = index;
  }
  return out;
}

function validDay(billDate: unknown): string {
  if (typeof billDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(billDate)) {
    const d = new Date(`${billDate}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(billDate)) return billDate;
  }
  throw new ValidationError('billDate must be a calendar date YYYY-MM-DD', [
    { path: 'billDate', message: 'expected YYYY-MM-DD' },
  ]);
}

async function collect(ids: AsyncIterable<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const id of ids) out.add(id);
  return out;
}

/** What reconciliation needs from the tracker. */
export interface ReconcileDeps {
  readonly client: PaymentClient;
  readonly backend: TrackerBackend;
}

/**
 * Streams the trade bill of `billDate` and compares it row by row with the tracked orders.
 * Memory holds one batch of rows and the ids of the day's tracked payments and refunds, never
 * the bill. Paid orders the tracker has not fulfilled are made due at once, so a running
 * tracker queries them and calls `onPaid`.
 */
export async function reconcile(
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const day = validDay(options.billDate);
  const every = options.progressEvery ?? 10_000;
  const sampleSize = options.untrackedSample ?? 100;
  const paidIds = await collect(deps.backend.paidOn(day));
  const refundIds = await collect(deps.backend.refundedOn(day));
  let bytes = 0;
  let rows = 0;
  let matched = 0;
  const paidNotFulfilled: PaidNotFulfilled[] = [];
  const amountMismatches: AmountMismatch[] = [];
  const refundsMissingInTracker: BillRefund[] = [];
  const untracked = { count: 0, sample: [] as string[] };
  const noteUntracked = (outTradeNo: string) => {
    untracked.count += 1;
    if (untracked.sample.length < sampleSize) untracked.sample.push(outTradeNo);
  };

  const checkPayment = async (row: BillPayment, item: TrackedItem | undefined) => {
    const id = orderId(row.outTradeNo);
    paidIds.delete(id);
    if (item?.type !== 'order') return noteUntracked(row.outTradeNo);
    const expected = item.expectedTotal ?? item.order?.amount.total;
    const amountOk = expected === undefined || expected === row.total;
    if (!amountOk) amountMismatches.push({ ...row, expectedTotal: expected });
    const fulfilled =
      item.state === 'REFUND' ||
      (item.state === 'SUCCESS' && item.delivered.includes(`${item.outTradeNo}:paid`));
    if (fulfilled) {
      if (amountOk) matched += 1;
      return;
    }
    const rescheduled = item.phase === 'open';
    if (rescheduled) await deps.backend.observe(id, { type: 'recheck' });
    paidNotFulfilled.push({ ...row, trackedState: item.state, rescheduled });
  };

  const checkRefund = (row: BillRefund, item: TrackedItem | undefined, orderTracked: boolean) => {
    const id = refundId(row.outRefundNo);
    if (refundIds.delete(id)) return;
    if (item?.type === 'refund' && item.status === 'SUCCESS') return;
    if (!item && !orderTracked) return noteUntracked(row.outTradeNo);
    refundsMissingInTracker.push(row);
  };

  const lines = await openTradeBill(deps.client, day, (n) => (bytes += n), {
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let columns: Columns | undefined;
  let width = 0;
  let batch: string[][] = [];

  const flush = async () => {
    if (!columns || batch.length === 0) return;
    const c = columns;
    // Refund rows are marked by their state; payment rows carry `0` in the refund columns.
    const isRefund = (cells: readonly string[]) => cells[c.status] === 'REFUND';
    const ids = batch.flatMap((cells) => {
      const order = orderId(cells[c.outTradeNo] ?? '');
      return isRefund(cells) ? [refundId(cells[c.outRefundNo] ?? ''), order] : [order, order];
    });
    const items = await deps.backend.getMany(ids);
    for (const [i, cells] of batch.entries()) {
      const get = (k: keyof Columns) => cells[c[k]] ?? '';
      if (isRefund(cells)) {
        checkRefund(
          {
            outTradeNo: get('outTradeNo'),
            outRefundNo: get('outRefundNo'),
            refund: yuanToFen(get('refund')),
            status: get('refundStatus'),
          },
          items[2 * i],
          items[2 * i + 1] !== undefined,
        );
      } else if (get('status') === 'SUCCESS') {
        await checkPayment(
          {
            outTradeNo: get('outTradeNo'),
            transactionId: get('transactionId'),
            total: yuanToFen(get('total')),
            time: get('time'),
          },
          items[2 * i],
        );
      }
    }
    batch = [];
  };

  if (lines) {
    for await (const cells of lines) {
      if (!columns) {
        columns = columnsOf(cells);
        width = cells.length;
        continue;
      }
      // Detail rows have the header's width; the summary header and row are shorter.
      if (cells.length !== width) continue;
      rows += 1;
      batch.push(cells);
      if (batch.length >= BATCH) await flush();
      if (rows % every === 0) options.onProgress?.({ rows, bytes, done: false });
    }
    await flush();
  }
  options.onProgress?.({ rows, bytes, done: true });

  const fulfilledNotInBill = [...paidIds].map((id) => id.slice('order:'.length));
  const refundsMissingInBill = [...refundIds].map((id) => id.slice('refund:'.length));
  return {
    billDate: day,
    rows,
    matched,
    paidNotFulfilled,
    fulfilledNotInBill,
    amountMismatches,
    refundsMissingInTracker,
    refundsMissingInBill,
    untracked,
    clean:
      paidNotFulfilled.length === 0 &&
      fulfilledNotInBill.length === 0 &&
      amountMismatches.length === 0 &&
      refundsMissingInTracker.length === 0 &&
      refundsMissingInBill.length === 0,
  };
}
