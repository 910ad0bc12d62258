import { readTracker } from '@wxpay/tracker';
import { CliError } from '../cli-error.js';
import { EXIT } from '../io.js';
import { print } from '../output.js';
import { redisFrom, TRACKER_HELP, trackerOptions } from '../tracker-settings.js';
import type { Command } from './command.js';

export const trackStatusCommand: Command = {
  name: 'track status',
  summary: "show the order tracker's counts, or where it stands with one order or refund",
  help: `Usage: wxpay track status --redis HOST:PORT [--prefix P]
                           [--out-trade-no NO | --out-refund-no NO] [--json]

Reads the state the tracker workers share in Redis (nothing is sent to WeChat Pay). Without an
order: how many orders and refunds are open, settled and failed. With one: its phase, last
known state, the callbacks delivered and the last error. Exits 4 when the order is unknown.

${TRACKER_HELP}
`,
  options: {
    ...trackerOptions,
    'out-trade-no': { type: 'string' },
    'out-refund-no': { type: 'string' },
  },
  async run(values, io) {
    const redis = redisFrom(values, io.env);
    if (!redis)
      throw new CliError('--redis is required (the tracker state lives there)', EXIT.usage);
    const reader = readTracker({ redis });
    try {
      const outTradeNo = values['out-trade-no'] as string | undefined;
      const outRefundNo = values['out-refund-no'] as string | undefined;
      if (!outTradeNo && !outRefundNo) {
        print(io, values.json === true, { ...(await reader.summary()) });
        return EXIT.ok;
      }
      const status = await reader.status(
        outRefundNo ? { outRefundNo } : { outTradeNo: outTradeNo as string },
      );
      if (!status) throw new CliError(`not tracked: ${outRefundNo ?? outTradeNo}`, EXIT.api);
      const { delivered, lastError, ...rest } = status;
      print(io, values.json === true, {
        ...rest,
        ...('order' in rest ? { order: undefined } : {}),
        ...('refund' in rest ? { refund: undefined } : {}),
        delivered: values.json === true ? delivered : delivered.join(' ') || '-',
        ...(lastError
          ? {
              lastError:
                values.json === true ? lastError : `${lastError.name}: ${lastError.message}`,
            }
          : {}),
      });
      return EXIT.ok;
    } finally {
      await reader.close();
    }
  },
};
