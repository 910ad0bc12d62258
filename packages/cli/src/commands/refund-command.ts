import { protocolOf, withClient } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { EXIT } from '../io.js';
import { print, refundSummary } from '../output.js';
import { requiredFlag } from '../required-flag.js';
import type { Command } from './command.js';
import { SETTINGS_HELP } from './order-commands.js';

export const queryRefundCommand: Command = {
  name: 'refund query',
  summary: 'query a refund by out_refund_no',
  help: `Usage: wxpay refund query --protocol v2|v3 --out-refund-no NO [--json]

${SETTINGS_HELP}`,
  options: { ...settingOptions, protocol: { type: 'string' }, 'out-refund-no': { type: 'string' } },
  async run(values, io) {
    const protocol = protocolOf(values);
    const outRefundNo = requiredFlag(values, 'out-refund-no');
    const refund = await withClient(protocol, resolveSettings(values, io.env), (c) =>
      c.queryRefund(outRefundNo),
    );
    print(io, values.json === true, refundSummary(refund));
    return EXIT.ok;
  },
};
