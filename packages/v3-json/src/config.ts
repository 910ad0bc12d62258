import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { type ClientConfigBase, ConfigError } from '@wxpay/core';
import {
  looksLikePath,
  parseConfig,
  pathInsteadOfKeyHint,
  resolveBackupBaseUrl,
} from '@wxpay/core/adapter';
import { z } from 'zod';
import { notifyUrlProblem } from './notify-url.js';

/** Configuration of {@link createV3Client}. */
export interface V3ClientConfig extends ClientConfigBase {
  /** Merchant id (`mchid`). */
  readonly mchId: string;
  /** The AppID orders are created under (official account, mini-program or app). */
  readonly appId: string;
  /**
   * Other AppIDs bound to the same `mchid` whose orders this client may see: a query answer,
   * refund answer or notification whose `appid` is `appId` or one of these is accepted; any
   * other appid is an `AnswerMismatchError`. Default: `appId` only. Orders are still created
   * under `appId`. For a merchant whose official account, mini-program and app share one
   * `mchid` and one notify URL.
   */
  readonly acceptedAppIds?: readonly string[];
  /** Merchant API private key (`apiclient_key.pem`): PEM text, PEM/DER Buffer or KeyObject. */
  readonly privateKey: string | Buffer | KeyObject;
  /** Serial number of the merchant API certificate (hex). */
  readonly certificateSerial: string;
  /** The 32-byte APIv3 key set in the merchant console. */
  readonly apiV3Key: string | Buffer;
  /** WeChat Pay public key (public-key mode) with its `PUB_KEY_ID_…` id. */
  readonly wechatpayPublicKey?: {
    readonly id: string;
    readonly key: string | Buffer | KeyObject;
  };
  /**
   * `auto` downloads `/v3/certificates`, refreshes before expiry and on an unknown serial;
   * `off` trusts only the public key. Default: `auto`, or `off` when only a public key is set.
   */
  readonly platformCertificates?: 'auto' | 'off';
  /** Default `notify_url` for orders (and refunds). */
  readonly notifyUrl?: string;
  /**
   * Hosts a bill `download_url` may point to (the `Authorization` header is sent there): exact
   * names or `*.suffix` patterns (https only), or whole origins such as
   * `http://127.0.0.1:8080`. The API origin and the backup origin are always allowed.
   * Default: `*.weixin.qq.com` (the API domains and their backups).
   */
  readonly billDownloadHosts?: readonly string[];
}

/** A validated configuration with keys parsed once. */
export interface ResolvedV3Config {
  readonly mchId: string;
  readonly appId: string;
  /** `appId` and the configured `acceptedAppIds`, without duplicates. */
  readonly acceptedAppIds: readonly string[];
  readonly privateKey: KeyObject;
  readonly certificateSerial: string;
  readonly apiV3Key: Buffer;
  readonly wechatpayPublicKey: { readonly id: string; readonly key: KeyObject } | undefined;
  readonly platformCertificates: 'auto' | 'off';
  readonly notifyUrl: string | undefined;
  readonly baseUrl: string;
  readonly backupBaseUrl: string | undefined;
  readonly billDownloadHosts: readonly string[];
  readonly timeoutMs: number;
}

const isKeyObject = z.custom<KeyObject>((v) => v instanceof KeyObject, 'must be a KeyObject');
const keyInput = z.union([z.string().min(1), z.instanceof(Buffer), isKeyObject], {
  error: 'must be PEM text, a Buffer or a KeyObject',
});
const fn = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
);

const configSchema = z.object({
  mchId: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/, 'must be 1-32 characters'),
  appId: z.string().min(1).max(32),
  acceptedAppIds: z.array(z.string().min(1).max(32)).max(100).optional(),
  privateKey: keyInput,
  certificateSerial: z.string().regex(/^[0-9A-Fa-f]{1,64}$/, 'must be the hex serial number'),
  apiV3Key: z
    .union([z.string(), z.instanceof(Buffer)])
    .refine((k) => (typeof k === 'string' ? Buffer.byteLength(k, 'utf8') : k.length) === 32, {
      message: 'must be exactly 32 bytes',
    }),
  wechatpayPublicKey: z
    .object({
      id: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z_-]+$/, 'must start with PUB_KEY_ID_'),
      key: keyInput,
    })
    .optional(),
  platformCertificates: z.enum(['auto', 'off']).optional(),
  notifyUrl: z
    .string()
    .url('must be a URL')
    .superRefine((u, ctx) => {
      const problem = notifyUrlProblem(u);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  baseUrl: z
    .string()
    .url('must be a URL')
    .refine((u) => /^https?:\/\//.test(u), 'must be http(s)')
    .optional(),
  backupBaseUrl: z
    .union([
      z
        .string()
        .url('must be a URL')
        .refine((u) => /^https?:\/\//.test(u), 'must be http(s)'),
      z.literal(false),
    ])
    .optional(),
  billDownloadHosts: z
    .array(
      z
        .string()
        .regex(
          /^((\*\.)?[A-Za-z0-9.-]+|https?:\/\/[A-Za-z0-9.:[\]-]+)$/,
          'must be a host name, *.suffix or an origin',
        ),
    )
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
  retry: z.object({}).passthrough().optional(),
  logger: fn.optional(),
  transport: z.object({}).passthrough().optional(),
  clock: z.object({ now: fn }).passthrough().optional(),
  nonce: fn.optional(),
});

const isPem = (input: string | Buffer) =>
  (typeof input === 'string' ? input : input.subarray(0, 64).toString('latin1')).includes(
    '-----BEGIN',
  );

/** Tries each way of reading a key, returning the first that works. */
function firstKey(attempts: (() => KeyObject)[]): KeyObject {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next form
    }
  }
  throw new Error('unreadable key');
}

/** Reads a key with node's `create`: a KeyObject as is, PEM as such, else DER (binary or base64) in each of `derTypes`. */
function readKey<T extends string>(
  input: string | Buffer | KeyObject,
  create: (key: string | Buffer | { key: Buffer; format: 'der'; type: T }) => KeyObject,
  derTypes: readonly T[],
): KeyObject {
  if (input instanceof KeyObject) return input;
  if (isPem(input)) return create(input);
  const der = typeof input === 'string' ? Buffer.from(input, 'base64') : input;
  return firstKey(derTypes.map((type) => () => create({ key: der, format: 'der', type })));
}

/**
 * Reads an RSA key of `kind` from config field `path`; refuses an unreadable key (with a hint
 * when the value looks like a file path) and a key of another type.
 */
function parseRsaKey(
  input: string | Buffer | KeyObject,
  kind: 'private' | 'public',
  path: string,
): KeyObject {
  let key: KeyObject;
  try {
    key =
      kind === 'private'
        ? readKey(input, createPrivateKey, ['pkcs8', 'pkcs1'])
        : readKey(input, createPublicKey, ['spki', 'pkcs1']);
  } catch {
    const hint = looksLikePath(input) ? `; ${pathInsteadOfKeyHint(path)}` : '';
    throw new ConfigError(`${path}: not a readable ${kind} key (PEM or DER)${hint}`, [
      { path, message: `not a readable ${kind} key${hint}` },
    ]);
  }
  // The public field also takes a private key (or certificate) and keeps its public half.
  if ((kind === 'private' && key.type !== 'private') || key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`${path}: must be an RSA ${kind} key`, [
      { path, message: `must be an RSA ${kind} key` },
    ]);
  }
  return kind === 'private' || key.type === 'public' ? key : createPublicKey(key);
}

/**
 * Validates a {@link V3ClientConfig} and parses its keys once. Errors are {@link ConfigError}s
 * naming the field, never its value.
 */
export function resolveV3Config(config: V3ClientConfig): ResolvedV3Config {
  parseConfig(configSchema, config, 'v3 client config');
  const publicKey = config.wechatpayPublicKey
    ? {
        id: config.wechatpayPublicKey.id,
        key: parseRsaKey(config.wechatpayPublicKey.key, 'public', 'wechatpayPublicKey.key'),
      }
    : undefined;
  const platformCertificates = config.platformCertificates ?? (publicKey ? 'off' : 'auto');
  if (platformCertificates === 'off' && !publicKey) {
    throw new ConfigError(
      'invalid v3 client config: platformCertificates is off and no wechatpayPublicKey is set, so nothing could verify WeChat Pay',
      [{ path: 'wechatpayPublicKey', message: 'required when platformCertificates is off' }],
    );
  }
  const baseUrl = (config.baseUrl ?? 'https://api.mch.weixin.qq.com').replace(/\/+$/, '');
  return {
    mchId: config.mchId,
    appId: config.appId,
    acceptedAppIds: [...new Set([config.appId, ...(config.acceptedAppIds ?? [])])],
    privateKey: parseRsaKey(config.privateKey, 'private', 'privateKey'),
    certificateSerial: config.certificateSerial.toUpperCase(),
    apiV3Key: Buffer.from(
      typeof config.apiV3Key === 'string' ? Buffer.from(config.apiV3Key, 'utf8') : config.apiV3Key,
    ),
    wechatpayPublicKey: publicKey,
    platformCertificates,
    notifyUrl: config.notifyUrl,
    baseUrl,
    backupBaseUrl: resolveBackupBaseUrl(baseUrl, config.backupBaseUrl),
    billDownloadHosts: config.billDownloadHosts ?? ['*.weixin.qq.com'],
    timeoutMs: config.timeoutMs ?? 10_000,
  };
}
