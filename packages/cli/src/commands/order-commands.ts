import type { OrderRef } from '@wxpay/core';
import { CliError } from '../cli-error.js';
import { protocolOf, withClient } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { EXIT } from '../io.js';
import { orderSummary, print } from '../output.js';
import { requiredFlag } from '../required-flag.js';
import type { Command } from './command.js';

const SETTINGS_HELP = `Merchant settings (flag / WXPAY_* variable / config key):
  --mch-id, --app-id, --base-url, --timeout-ms
  v2: --api-key-file, --sign-type MD5|HMAC-SHA256
  v3: --private-key-file, --certificate-serial, --api-v3-key-file,
      --public-key-file + --public-key-id (public-key mode)
  --tls-ca-file (an HTTPS test server's CA)
  --config FILE  JSON with the camelCase names above (mchId, apiKeyFile …); paths in it are
                 relative to the file. A mode-0600 file may hold apiKey, apiV3Key, privateKey
                 and wechatpayPublicKey inline: the file \`wxpay simulator\` writes works as is.
`;

export const queryOrderCommand: Command = {
  name: 'order query',
  summary: 'query an order by out_trade_no or transaction_id',
  help: `Usage: wxpay order query --protocol v2|v3 (--out-trade-no NO | --transaction-id ID) [--json]

${SETTINGS_HELP}`,
  options: {
    ...settingOptions,
    protocol: { type: 'string' },
    'out-trade-no': { type: 'string' },
    'transaction-id': { type: 'string' },
  },
  async run(values, io) {
    const protocol = protocolOf(values);
    const outTradeNo = values['out-trade-no'] as string | undefined;
    const transactionId = values['transaction-id'] as string | undefined;
    if (!outTradeNo === !transactionId) {
      throw new CliError('give exactly one of --out-trade-no and --transaction-id', EXIT.usage);
    }
    const ref: OrderRef = outTradeNo ? { outTradeNo } : { transactionId: transactionId! };
    const order = await withClient(protocol, resolveSettings(values, io.env), (c) =>
      c.queryOrder(ref),
    );
    print(io, values.json === true, orderSummary(order));
    return EXIT.ok;
  },
};

export const closeOrderCommand: Command = {
  name: 'order close',
  summary: 'close an unpaid order',
  help: `Usage: wxpay order close --protocol v2|v3 --out-trade-no NO [--json]

Closing an order that is already closed succeeds. An order that got paid answers with
OrderPaidError (exit code 4): query it instead.

${SETTINGS_HELP}`,
  options: { ...settingOptions, protocol: { type: 'string' }, 'out-trade-no': { type: 'string' } },
  async run(values, io) {
    const protocol = protocolOf(values);
    const outTradeNo = requiredFlag(values, 'out-trade-no');
    await withClient(protocol, resolveSettings(values, io.env), (c) => c.closeOrder(outTradeNo));
    print(io, values.json === true, { ok: true, outTradeNo, closed: true });
    return EXIT.ok;
  },
};

export { SETTINGS_HELP };
