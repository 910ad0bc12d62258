import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrustMode } from './context.js';
import { CONTROL_PREFIX } from './control-surface.js';
import { type Simulator, startSimulator } from './start-simulator.js';

/** Usage text of the `wxpay-simulator` command. */
export const CLI_USAGE = `wxpay-simulator — a local WeChat Pay (v2 XML + v3 JSON) for integration tests

Usage: wxpay-simulator [--port N] [--host H] [--trust both|certificate|public-key|migrating] [--tls]
                       [--credentials-file PATH] [--print-secrets]

Prints the base URL and the merchant ids. The secret test credentials (API keys, private key)
are written to a file only you can read (default: in the temp directory), or printed with
--print-secrets. Stop with Ctrl-C.`;

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
  const secrets = {
    baseUrl: sim.url,
    mchId: m.mchId,
    appId: m.appId,
    apiKey: m.apiKey,
    apiV3Key: m.apiV3Key,
    privateKey: m.privateKey,
    certificate: m.certificate,
    certificateSerial: m.certificateSerial,
    wechatpayPublicKey: m.wechatpayPublicKey,
    platformCertificates: m.platformCertificates,
    ...(sim.tls ? { tlsCa: sim.tls.ca } : {}),
  };
  // Secrets go to a private file rather than the terminal: terminal output ends up in CI logs
  // and screen shares, and even test keys should not teach that habit.
  const file =
    args['credentials-file'] ?? join(tmpdir(), `wxpay-simulator-${new URL(sim.url).port}.json`);
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
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
    `  control surface     ${sim.url}${CONTROL_PREFIX}/ (POST /pay, /fail, /expire, /refunds/complete, /faults …)`,
  ];
  if (args['print-secrets']) lines.push('', JSON.stringify(secrets, null, 2));
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
      'credentials-file': { type: 'string' },
      'print-secrets': { type: 'boolean' },
      tls: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}
