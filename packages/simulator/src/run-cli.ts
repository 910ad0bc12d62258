import { parseArgs } from 'node:util';
import type { TrustMode } from './context.js';
import { CONTROL_PREFIX } from './control-surface.js';
import {
  CREDENTIALS_FILE_FLAG,
  credentialsFileContent,
  DEFAULT_CREDENTIALS_FILE,
  writeCredentialsFile,
} from './credentials-file.js';
import { DASHBOARD_PATH } from './dashboard/serve-dashboard.js';
import { type Simulator, startSimulator } from './start-simulator.js';

/** Usage text of the `wxpay-simulator` command. */
export const CLI_USAGE = `wxpay-simulator — a local WeChat Pay (v2 XML + v3 JSON) for integration tests

Usage: wxpay-simulator [--port N] [--host H] [--trust both|certificate|public-key|migrating] [--tls]
                       [--credentials-file PATH] [--print-secrets]

Prints the base URL and the merchant ids. The secret test credentials (API keys, private key)
are written to a file only you can read (mode 0600; default ./${DEFAULT_CREDENTIALS_FILE}),
or printed with --print-secrets. The file works as \`wxpay … --config FILE\` as it is.
Stop with Ctrl-C.`;

/** What {@link runSimulatorCli} needs from its environment. */
export interface CliEnvironment {
  readonly argv: readonly string[];
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves with a signal name when the simulator should stop. */
  readonly stopRequested: Promise<string>;
  /** Called once the simulator listens (tests read the URL here). */
  readonly onStarted?: (sim: Simulator) => void;
}

/** Runs the simulator command; resolves with the exit code once stopped. */
export async function runSimulatorCli(env: CliEnvironment): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(env.argv);
  } catch (error) {
    env.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    env.stdout(`${CLI_USAGE}\n`);
    return 0;
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    env.stderr('--port must be an integer 0-65535\n');
    return 2;
  }
  const trust = (args.trust ?? 'both') as TrustMode;
  if (!['both', 'certificate', 'public-key', 'migrating'].includes(trust)) {
    env.stderr('--trust must be both, certificate, public-key or migrating\n');
    return 2;
  }
  const sim = await startSimulator({
    port,
    host: args.host ?? '127.0.0.1',
    trust,
    tls: args.tls === true,
  });
  const m = sim.merchant;
  const file = writeCredentialsFile(sim, args[CREDENTIALS_FILE_FLAG]);
  const lines = [
    `wxpay simulator listening on ${sim.url}`,
    `  trust mode          ${trust}`,
    `  mchId               ${m.mchId}`,
    `  appId               ${m.appId}`,
    `  certificateSerial   ${m.certificateSerial}`,
    `  public key id       ${m.wechatpayPublicKey.id}`,
    ...(sim.tls
      ? ['  TLS                 HTTPS with its own CA (tlsCa in the credentials file)']
      : []),
    `  credentials file    ${file} (mode 600: API keys, private key, certificates)`,
    `  dashboard           ${sim.url}${DASHBOARD_PATH} (open in a browser on this machine)`,
    `  control surface     ${sim.url}${CONTROL_PREFIX}/ (POST /pay, /fail, /expire, /refunds/complete, /faults …)`,
  ];
  if (args['print-secrets']) lines.push('', JSON.stringify(credentialsFileContent(sim), null, 2));
  env.stdout(`${lines.join('\n')}\n`);
  env.onStarted?.(sim);
  const signal = await env.stopRequested;
  env.stdout(`${signal}: stopping\n`);
  await sim.stop();
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      trust: { type: 'string' },
      [CREDENTIALS_FILE_FLAG]: { type: 'string' },
      'print-secrets': { type: 'boolean' },
      tls: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}
