import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { v3ClientFrom } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { EXIT } from '../io.js';
import { requiredFlag } from '../required-flag.js';
import type { Command } from './command.js';
import { SETTINGS_HELP } from './order-commands.js';

export const downloadCertificatesCommand: Command = {
  name: 'certs download',
  summary: 'download the v3 platform certificates into a folder',
  help: `Usage: wxpay certs download --out DIR [--json]

Fetches /v3/certificates, verifies the answer, decrypts each certificate with the APIv3 key and
writes DIR/<serial>.pem. A merchant on the WeChat Pay public key gets a clear error: configure
--public-key-file and --public-key-id instead.

${SETTINGS_HELP}`,
  options: { ...settingOptions, out: { type: 'string' } },
  async run(values, io) {
    const out = requiredFlag(values, 'out', 'DIR');
    // Downloading is the point here, also for a config that carries the public key as well.
    const client = v3ClientFrom(resolveSettings(values, io.env), { platformCertificates: 'auto' });
    try {
      const certs = await client.refreshCertificates();
      if (certs.length === 0)
        throw new CliError('WeChat Pay listed no platform certificates', EXIT.api);
      mkdirSync(out, { recursive: true });
      const written = certs.map((c) => {
        const file = join(out, `${c.serial}.pem`);
        writeFileSync(file, c.pem);
        return {
          serial: c.serial,
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          file,
        };
      });
      if (values.json) io.stdout.write(`${JSON.stringify({ certificates: written }, null, 2)}\n`);
      else {
        for (const c of written)
          io.stdout.write(`${c.serial}  valid ${c.notBefore} – ${c.notAfter}  → ${c.file}\n`);
      }
      return EXIT.ok;
    } finally {
      await client.close();
    }
  },
};
