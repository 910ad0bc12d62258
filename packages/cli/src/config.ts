import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { EXIT } from './io.js';

/** Settings that flags, `WXPAY_*` variables and the config file can all give. */
export interface PlainSettings {
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
  readonly tlsCaFile?: string;
}

/** Secrets given inline; only a config file that no one else can read may hold them. */
export interface InlineSecrets {
  readonly apiKey?: string;
  readonly apiV3Key?: string;
  readonly privateKey?: string;
  readonly publicKey?: string;
  readonly tlsCa?: string;
}

/**
 * Merchant settings the CLI understands. Secrets are never accepted on the command line or in
 * variables: only as paths to files, or inline in a private (mode 0600) config file such as the
 * one the simulator writes, so they stay out of shell history, `ps` output and CI logs.
 */
export interface CliSettings extends PlainSettings, InlineSecrets {
  /** Where each setting came from (`--mch-id`, `WXPAY_MCH_ID`, `mchId in wxpay.json`). */
  readonly origins: Readonly<Partial<Record<keyof PlainSettings | keyof InlineSecrets, string>>>;
}

/** The keys flags and variables can set, in `--help` order. */
export const KEYS: readonly (keyof PlainSettings)[] = [
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
  'tlsCaFile',
];

/** Keys whose value is a path: in a config file they are relative to that file. */
const PATH_KEYS = new Set<keyof PlainSettings>([
  'apiKeyFile',
  'privateKeyFile',
  'apiV3KeyFile',
  'publicKeyFile',
  'tlsCaFile',
]);

/** Inline secrets a config file may hold (the simulator's credentials file does). */
const INLINE_KEYS = ['apiKey', 'apiV3Key', 'privateKey', 'tlsCa'] as const;

/** Keys of the simulator's credentials file the CLI has no use for; accepted and ignored. */
const IGNORED_KEYS = new Set(['certificate', 'platformCertificates', '$comment']);

/** `apiV3KeyFile` → `WXPAY_API_V3_KEY_FILE`. */
export function envName(key: keyof PlainSettings): string {
  return `WXPAY_${key
    .replace(/V3/, '_V3')
    .replace(/[A-Z]/g, (c) => `_${c}`)
    .toUpperCase()
    .replace(/__/g, '_')}`;
}

/** `apiV3KeyFile` → `--api-v3-key-file`. */
export function flagName(key: keyof PlainSettings): string {
  return key.replace(/V3/, '-v3').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The parseArgs option table for every setting flag, plus `--config`. */
export const settingOptions: Record<string, { type: 'string' }> = Object.fromEntries([
  ...KEYS.map((k) => [flagName(k), { type: 'string' as const }]),
  ['config', { type: 'string' as const }],
]);

interface ConfigFile {
  readonly path: string;
  readonly values: Record<string, unknown>;
}

function readConfigFile(path: string): ConfigFile {
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError(`cannot read config file ${path}: ${reason}`, EXIT.config);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new CliError(`config file ${path}: must hold one JSON object`, EXIT.config);
  }
  const record = values as Record<string, unknown>;
  const known = new Set<string>([...KEYS, ...INLINE_KEYS, 'wechatpayPublicKey', ...IGNORED_KEYS]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new CliError(
      `config file ${path}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see wxpay order query --help)`,
      EXIT.config,
    );
  }
  const hasSecrets =
    INLINE_KEYS.some((k) => k in record && k !== 'tlsCa') || 'wechatpayPublicKey' in record;
  // Inline secrets are only as safe as the file: refuse them where other users can read them.
  if (hasSecrets && process.platform !== 'win32') {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CliError(
        `config file ${path} holds secrets inline but other users can read it (mode ${mode.toString(8)}): run chmod 600 on it, or name key files with apiKeyFile / apiV3KeyFile / privateKeyFile`,
        EXIT.config,
      );
    }
  }
  return { path, values: record };
}

function fileValue(file: ConfigFile, key: string): string | undefined {
  const value = file.values[key];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value === '') {
    if (value !== undefined && value !== null && value !== '') {
      throw new CliError(`config file ${file.path}: ${key} must be a string`, EXIT.config);
    }
    return undefined;
  }
  return value;
}

/**
 * Resolves settings: flags win over `WXPAY_*` variables, which win over the config file
 * (`--config` or `WXPAY_CONFIG`). Paths in the config file are relative to the file itself.
 */
export function resolveSettings(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): CliSettings {
  const configPath = (flags.config as string | undefined) || env.WXPAY_CONFIG;
  const file = configPath ? readConfigFile(configPath) : undefined;
  const out: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const key of KEYS) {
    const flag = flags[flagName(key)];
    const variable = env[envName(key)];
    if (typeof flag === 'string' && flag !== '') {
      out[key] = flag;
      origins[key] = `--${flagName(key)}`;
    } else if (variable) {
      out[key] = variable;
      origins[key] = envName(key);
    } else if (file) {
      const value = fileValue(file, key);
      if (value === undefined) continue;
      out[key] =
        PATH_KEYS.has(key) && !isAbsolute(value) ? resolve(dirname(file.path), value) : value;
      origins[key] = `${key} in ${file.path}`;
    }
  }
  if (file) {
    for (const key of INLINE_KEYS) {
      const value = fileValue(file, key);
      if (value === undefined) continue;
      out[key] = value;
      origins[key] = `${key} in ${file.path}`;
    }
    const publicKey = file.values.wechatpayPublicKey;
    if (publicKey !== undefined) {
      const { id, key } = (publicKey ?? {}) as { id?: unknown; key?: unknown };
      if (typeof id !== 'string' || typeof key !== 'string') {
        throw new CliError(
          `config file ${file.path}: wechatpayPublicKey must be { "id": "PUB_KEY_ID_…", "key": "<PEM>" }`,
          EXIT.config,
        );
      }
      if (!out.publicKeyId) {
        out.publicKeyId = id;
        origins.publicKeyId = `wechatpayPublicKey.id in ${file.path}`;
      }
      out.publicKey = key;
      origins.publicKey = `wechatpayPublicKey.key in ${file.path}`;
    }
  }
  return { ...out, origins };
}

/** Returns a required plain setting or fails with a message naming the flag and variable. */
export function required(settings: CliSettings, key: keyof PlainSettings): string {
  const value = settings[key];
  if (!value) {
    throw new CliError(
      `missing --${flagName(key)} (or ${envName(key)}, or "${key}" in the --config file)`,
      EXIT.config,
    );
  }
  return value;
}
