import { createTracker, type ReconcileReport } from '@wxpay/tracker';
import { protocolOf, withClient } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { type CliIo, EXIT } from '../io.js';
import { requiredFlag } from '../required-flag.js';
import { redisFrom, TRACKER_HELP, trackerOptions } from '../tracker-settings.js';
import type { Command } from './command.js';
import { SETTINGS_HELP } from './order-commands.js';

function table(io: CliIo, report: ReconcileReport): void {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(`bill ${report.billDate}: ${report.rows} rows, ${report.matched} matched`);
  out(`untracked rows           ${report.untracked.count}`);
  const rows: [string, string, string][] = [
    ...report.paidNotFulfilled.map(
      (p) =>
        ['paid, not fulfilled', p.outTradeNo, `${p.total} fen, tracker had ${p.trackedState}`] as [
          string,
          string,
          string,
        ],
    ),
    ...report.amountMismatches.map(
      (m) =>
        ['amount mismatch', m.outTradeNo, `bill ${m.total} fen, expected ${m.expectedTotal}`] as [
          string,
          string,
          string,
        ],
    ),
    ...report.fulfilledNotInBill.map(
      (no) => ['fulfilled, not in bill', no, ''] as [string, string, string],
    ),
    ...report.refundsMissingInTracker.map(
      (r) =>
        ['refund not in tracker', r.outRefundNo, `${r.refund} fen of ${r.outTradeNo}`] as [
          string,
          string,
          string,
        ],
    ),
    ...report.refundsMissingInBill.map(
      (no) => ['refund not in bill', no, ''] as [string, string, string],
    ),
  ];
  if (rows.length === 0) {
    out('clean: no discrepancy');
    return;
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [what, no, detail] of rows) out(`${what.padEnd(w0)}  ${no.padEnd(w1)}  ${detail}`);
}

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: "compare day T's trade bill with the tracked orders (T+1 reconciliation)",
  help: `Usage: wxpay reconcile --date YYYY-MM-DD --protocol v2|v3 [--redis HOST:PORT] [--json]

Streams the trade bill of the day and compares it row by row with the orders the tracker
follows: paid but not fulfilled (单边账; the tracker is told to act on them), fulfilled but not
in the bill, amount mismatches, refunds missing on either side. Progress goes to stderr; the
report is a table, or JSON with --json. Exits 0 when clean, 1 when a discrepancy was found.
Without --redis there are no tracked orders and every row counts as untracked.

${TRACKER_HELP}

${SETTINGS_HELP}`,
  options: {
    ...settingOptions,
    ...trackerOptions,
    protocol: { type: 'string' },
    date: { type: 'string' },
  },
  async run(values, io) {
    const protocol = protocolOf(values);
    const billDate = requiredFlag(values, 'date', 'YYYY-MM-DD');
    const redis = redisFrom(values, io.env);
    const report = await withClient(protocol, resolveSettings(values, io.env), async (client) => {
      const tracker = createTracker({
        client,
        ...(redis ? { backend: { redis } } : {}),
        onPaid: () => {},
      });
      try {
        return await tracker.reconcile({
          billDate,
          onProgress: (p) =>
            io.stderr.write(
              `${p.done ? 'done' : 'reading'}: ${p.rows} rows, ${(p.bytes / 1e6).toFixed(1)} MB\n`,
            ),
        });
      } finally {
        await tracker.stop();
      }
    });
    if (values.json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else table(io, report);
    return report.clean ? EXIT.ok : EXIT.failure;
  },
};
