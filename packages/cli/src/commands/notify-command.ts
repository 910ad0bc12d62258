import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import { protocolOf, withClient } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { EXIT, readAll } from '../io.js';
import { orderSummary, print, refundSummary } from '../output.js';
import type { Command } from './command.js';
import { SETTINGS_HELP } from './order-commands.js';

/** Parses repeated `--header "Name: value"` flags. */
export function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of values) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new CliError(`--header must look like "Name: value", got "${line}"`, EXIT.usage);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export const verifyNotificationCommand: Command = {
  name: 'notify verify',
  summary: 'verify and decode a notification body (stdin) as your endpoint would',
  help: `Usage: wxpay notify verify --protocol v2|v3 [--header "Name: value" …] [--body-file FILE] [--json] < body

Reads the raw notification body from stdin (or --body-file), verifies it exactly as the
adapter's parseNotification does (v3: the four Wechatpay-* headers, the ±300 s window, the
signature, AES-256-GCM; v2: the sign, constant-time; refunds: req_info decryption) and prints
the decoded event. Exit code 5 when verification fails.

${SETTINGS_HELP}`,
  options: {
    ...settingOptions,
    protocol: { type: 'string' },
    header: { type: 'string', multiple: true },
    'body-file': { type: 'string' },
  },
  async run(values, io) {
    const protocol = protocolOf(values);
    const headers = parseHeaders((values.header as string[] | undefined) ?? []);
    const bodyFile = values['body-file'] as string | undefined;
    const body = bodyFile ? readFileSync(bodyFile) : await readAll(io.stdin);
    if (body.length === 0) throw new CliError('empty notification body', EXIT.usage);
    const n = await withClient(protocol, resolveSettings(values, io.env), (c) =>
      c.parseNotification({ headers, body: new Uint8Array(body) }),
    );
    const detail =
      n.type === 'payment'
        ? orderSummary(n.order)
        : n.type === 'refund'
          ? refundSummary(n.refund)
          : { eventType: n.eventType };
    print(io, values.json === true, { verified: true, type: n.type, id: n.id, ...detail });
    return EXIT.ok;
  },
};
