import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';
import { EXIT } from './io.js';

/**
 * Merchant settings the CLI understands. Secrets are never accepted inline: only as paths to
 * files, so they stay out of shell history, `ps` output and CI logs.
 */
export interface CliSettings {
  readonly mchId?: string;
  readonly appId?: string;
  readonly baseUrl?: string;
  readonly signType?: string;
  readonly apiKeyFile?: string;
  readonly privateKeyFile?: string;
  readonly certificateSerial?: string;
  readonly apiV3KeyFile?: string;
  readonly publicKeyFile?: string;
  readonly publicKeyId?: string;
  readonly timeoutMs?: string;
}

const KEYS: readonly (keyof CliSettings)[] = [
  'mchId',
  'appId',
  'baseUrl',
  'signType',
  'apiKeyFile',
  'privateKeyFile',
  'certificateSerial',
  'apiV3KeyFile',
  'publicKeyFile',
  'publicKeyId',
  'timeoutMs',
];

/** `apiV3KeyFile` → `WXPAY_API_V3_KEY_FILE`. */
export function envName(key: keyof CliSettings): string {
  return `WXPAY_${key
    .replace(/V3/, '_V3')
    .replace(/[A-Z]/g, (c) => `_${c}`)
    .toUpperCase()
    .replace(/__/g, '_')}`;
}

/** `apiV3KeyFile` → `--api-v3-key-file`. */
export function flagName(key: keyof CliSettings): string {
  return key.replace(/V3/, '-v3').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The parseArgs option table for every setting flag, plus `--config`. */
export const settingOptions: Record<string, { type: 'string' }> = Object.fromEntries([
  ...KEYS.map((k) => [flagName(k), { type: 'string' as const }]),
  ['config', { type: 'string' as const }],
]);

/** Resolves settings: flags win over `WXPAY_*` variables, which win over the config file. */
export function resolveSettings(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): CliSettings {
  const configPath = (flags.config as string | undefined) ?? env.WXPAY_CONFIG;
  let file: Record<string, unknown> = {};
  if (configPath) {
    try {
      file = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(
        `cannot read config file ${configPath}: ${(error as Error).message}`,
        EXIT.config,
      );
    }
    for (const inline of ['apiKey', 'apiV3Key', 'privateKey']) {
      if (inline in file) {
        throw new CliError(
          `config file: put ${inline} in a file and name it with ${inline}File`,
          EXIT.config,
        );
      }
    }
  }
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const value = flags[flagName(key)] ?? env[envName(key)] ?? file[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
    else if (typeof value === 'number') out[key] = String(value);
  }
  return out;
}

/** Returns a required plain setting or fails with a message naming the flag and variable. */
export function required(settings: CliSettings, key: keyof CliSettings): string {
  const value = settings[key];
  if (!value) throw new CliError(`missing --${flagName(key)} (or ${envName(key)})`, EXIT.config);
  return value;
}
