import { readFileSync } from 'node:fs';
import { createV2Client, type SignType, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client } from '@wxpay/v3-json';
import { CliError } from './cli-error.js';
import { type CliSettings, envName, flagName, required } from './config.js';
import { EXIT } from './io.js';

/** Reads a secret named by a `…File` setting; the value is never printed. */
export function readSecretSetting(settings: CliSettings, key: keyof CliSettings): string {
  const path = required(settings, key);
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CliError(
      `cannot read the file given by --${flagName(key)} / ${envName(key)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      EXIT.config,
    );
  }
}

function timeout(settings: CliSettings): { timeoutMs?: number } {
  const value = Number(settings.timeoutMs);
  return settings.timeoutMs && Number.isFinite(value) ? { timeoutMs: value } : {};
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
    apiKey: readSecretSetting(settings, 'apiKeyFile'),
    signType,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...timeout(settings),
  });
}

/** Builds a v3 client from CLI settings. */
export function v3ClientFrom(settings: CliSettings): V3Client {
  const publicKey =
    settings.publicKeyFile || settings.publicKeyId
      ? {
          wechatpayPublicKey: {
            id: required(settings, 'publicKeyId'),
            key: readSecretSetting(settings, 'publicKeyFile'),
          },
        }
      : {};
  return createV3Client({
    mchId: required(settings, 'mchId'),
    appId: settings.appId ?? '',
    privateKey: readSecretSetting(settings, 'privateKeyFile'),
    certificateSerial: required(settings, 'certificateSerial'),
    apiV3Key: readSecretSetting(settings, 'apiV3KeyFile'),
    ...publicKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...timeout(settings),
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
