import { readFileSync } from 'node:fs';
import { createV2Client, type SignType, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client, type V3ClientConfig } from '@wxpay/v3-json';
import { CliError } from './cli-error.js';
import { type CliSettings, envName, flagName, type PlainSettings, required } from './config.js';
import { EXIT } from './io.js';

type SecretKey = 'apiKey' | 'apiV3Key' | 'privateKey' | 'publicKey' | 'tlsCa';
const SECRET_FILES: Record<SecretKey, keyof PlainSettings> = {
  apiKey: 'apiKeyFile',
  apiV3Key: 'apiV3KeyFile',
  privateKey: 'privateKeyFile',
  publicKey: 'publicKeyFile',
  tlsCa: 'tlsCaFile',
};

/**
 * Reads a secret: from the file a `…File` setting names, else inline from a private config
 * file. The value is never printed; a failure names the setting, where it came from and the
 * path tried.
 */
export function readSecret(settings: CliSettings, key: SecretKey): string {
  const fileKey = SECRET_FILES[key];
  const path = settings[fileKey];
  if (!path) {
    const inline = settings[key];
    if (inline) return inline;
    throw new CliError(
      `missing --${flagName(fileKey)} (or ${envName(fileKey)}, or "${fileKey}" in the --config file)`,
      EXIT.config,
    );
  }
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const origin = settings.origins[fileKey] ?? `--${flagName(fileKey)}`;
    throw new CliError(
      `cannot read ${fileKey} (from ${origin}): ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      EXIT.config,
    );
  }
}

/** Reads a secret that may be absent (the TLS CA). */
function optionalSecret(settings: CliSettings, key: SecretKey): string | undefined {
  return settings[SECRET_FILES[key]] || settings[key] ? readSecret(settings, key) : undefined;
}

function timeout(settings: CliSettings): { timeoutMs?: number } {
  const value = Number(settings.timeoutMs);
  return settings.timeoutMs && Number.isFinite(value) ? { timeoutMs: value } : {};
}

/** Trust for an HTTPS simulator (`tlsCa` in its credentials file, or --tls-ca-file). */
function tls(settings: CliSettings): { transport?: { tls: { ca: string } } } {
  const ca = optionalSecret(settings, 'tlsCa');
  return ca ? { transport: { tls: { ca } } } : {};
}

/** Builds a v2 client from CLI settings. */
export function v2ClientFrom(settings: CliSettings): V2Client {
  const signType = (settings.signType ?? 'MD5') as SignType;
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256') {
    throw new CliError('--sign-type must be MD5 or HMAC-SHA256', EXIT.usage);
  }
  return createV2Client({
    appId: required(settings, 'appId'),
    mchId: required(settings, 'mchId'),
    apiKey: readSecret(settings, 'apiKey'),
    signType,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...timeout(settings),
    ...tls(settings),
  });
}

/** Builds a v3 client from CLI settings. */
export function v3ClientFrom(
  settings: CliSettings,
  extra: Pick<V3ClientConfig, 'platformCertificates'> = {},
): V3Client {
  const publicKey =
    settings.publicKeyFile || settings.publicKey || settings.publicKeyId
      ? {
          wechatpayPublicKey: {
            id: required(settings, 'publicKeyId'),
            key: readSecret(settings, 'publicKey'),
          },
        }
      : {};
  return createV3Client({
    mchId: required(settings, 'mchId'),
    appId: settings.appId ?? '',
    privateKey: readSecret(settings, 'privateKey'),
    certificateSerial: required(settings, 'certificateSerial'),
    apiV3Key: readSecret(settings, 'apiV3Key'),
    ...publicKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...timeout(settings),
    ...tls(settings),
    ...extra,
  });
}

/** Reads `--protocol`, which every protocol-specific command requires. */
export function protocolOf(values: Readonly<Record<string, unknown>>): 'v2' | 'v3' {
  const p = values.protocol;
  if (p !== 'v2' && p !== 'v3') throw new CliError('--protocol must be v2 or v3', EXIT.usage);
  return p;
}

/** Runs `fn` with a client of the requested protocol and always releases its connections. */
export async function withClient<T>(
  protocol: 'v2' | 'v3',
  settings: CliSettings,
  fn: (client: V2Client | V3Client) => Promise<T>,
): Promise<T> {
  const client = protocol === 'v2' ? v2ClientFrom(settings) : v3ClientFrom(settings);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
