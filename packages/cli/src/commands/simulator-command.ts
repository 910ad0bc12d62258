import {
  CREDENTIALS_FILE_FLAG,
  DEFAULT_CREDENTIALS_FILE,
  startSimulator,
  writeCredentialsFile,
} from '@wxpay/simulator';
import { CliError } from '../cli-error.js';
import { EXIT } from '../io.js';
import type { Command } from './command.js';

export const simulatorCommand: Command = {
  name: 'simulator',
  summary: 'run the local WeChat Pay simulator until interrupted',
  help: `Usage: wxpay simulator [--port N] [--trust both|certificate|public-key] [--credentials-out FILE] [--json]

Serves WeChat Pay v2 and v3 on http://127.0.0.1:PORT and prints the base URL, the merchant
id, app id, certificate serial and public-key id, and the dashboard's URL (BASE/__sim/: orders,
notification deliveries and payer controls in a browser on this machine). The secrets (API key,
APIv3 key, merchant private key) are written only to --credentials-out (a JSON file, mode
0600), never to the terminal. Stop it with Ctrl-C.
`,
  options: {
    port: { type: 'string' },
    trust: { type: 'string' },
    [CREDENTIALS_FILE_FLAG]: { type: 'string' },
  },
  async run(values, io) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new CliError('--port must be 0-65535', EXIT.usage);
    const trust = (values.trust ?? 'both') as string;
    if (trust !== 'both' && trust !== 'certificate' && trust !== 'public-key') {
      throw new CliError('--trust must be both, certificate or public-key', EXIT.usage);
    }
    const sim = await startSimulator({ port, trust });
    const m = sim.merchant;
    const file = writeCredentialsFile(
      sim,
      (values[CREDENTIALS_FILE_FLAG] as string | undefined) ?? DEFAULT_CREDENTIALS_FILE,
    );
    const info = {
      url: sim.url,
      dashboard: `${sim.url}/__sim/`,
      mchId: m.mchId,
      appId: m.appId,
      certificateSerial: m.certificateSerial,
      publicKeyId: m.wechatpayPublicKey.id,
      credentials: file,
    };
    if (values.json) io.stdout.write(`${JSON.stringify(info)}\n`);
    else {
      io.stdout.write(`WeChat Pay simulator listening on ${sim.url}\n`);
      for (const [k, v] of Object.entries(info).slice(1))
        io.stdout.write(`  ${k.padEnd(17)} ${v}\n`);
      io.stdout.write('Press Ctrl-C to stop.\n');
    }
    await io.interrupted;
    await sim.stop();
    if (!values.json) io.stdout.write('simulator stopped\n');
    return EXIT.ok;
  },
};
