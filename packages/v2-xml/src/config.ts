import type { ClientCertificate, ClientConfigBase } from '@wxpay/core';
import { parseConfig } from '@wxpay/core/adapter';
import { z } from 'zod';
import type { SignType } from './signing/sign-type.js';

/** Configuration of {@link createV2Client}. Validated on creation; mistakes raise `ConfigError`. */
export interface V2ClientConfig extends ClientConfigBase {
  /** The appid (公众账号ID / 小程序ID / App ID) orders are made for. */
  readonly appId: string;
  /**
   * Other appids bound to the same `mch_id` whose orders this client may see: a reply or
   * notification whose `appid` is `appId` or one of these is accepted; any other appid is an
   * `AnswerMismatchError`. Default: `appId` only. Orders are still made for `appId`. For a
   * merchant whose official account, mini-program and app share one `mch_id` and notify URL.
   */
  readonly acceptedAppIds?: readonly string[];
  /** The merchant id (`mch_id`). */
  readonly mchId: string;
  /** The 32-character APIv2 key set in the merchant console. Never logged or echoed. */
  readonly apiKey: string;
  /** Request and reply signature algorithm (default `MD5`, the protocol default). */
  readonly signType?: SignType;
  /** Default `notify_url` for orders and refunds (https, no query string). */
  readonly notifyUrl?: string;
  /**
   * The merchant API certificate for `/secapi/*` calls (refund, reverse), sent over mutual TLS.
   * Required for those calls unless `baseUrl` is plain `http://` (a local simulator).
   */
  readonly clientCertificate?: ClientCertificate;
  /**
   * Sign types accepted on payment notifications (default: both `MD5` and `HMAC-SHA256`, since
   * live notifications of HMAC-SHA256 merchants are sometimes MD5-signed). The algorithm is
   * chosen by signature length (32 hex = MD5, 64 = HMAC-SHA256) within this list and checked in
   * constant time; the message's own `sign_type` is never trusted. Narrow it to refuse a type.
   */
  readonly acceptedNotifySignTypes?: readonly SignType[];
}

const signType = z.enum(['MD5', 'HMAC-SHA256'], { error: 'must be MD5 or HMAC-SHA256' });
const httpUrl = z
  .string({ error: 'must be a URL' })
  .refine((u) => URL.canParse(u) && /^https?:\/\//.test(u), 'must be an http(s) URL');
const isFunction = (message: string) =>
  z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', message);
const bufferLike = z.custom<string | Buffer>(
  (v) => typeof v === 'string' || Buffer.isBuffer(v),
  'must be a string or Buffer',
);

const configSchema = z
  .object({
    appId: z
      .string({ error: 'must be a string' })
      .min(1, 'is required')
      .max(32, 'must be at most 32 characters'),
    acceptedAppIds: z
      .array(
        z
          .string({ error: 'must be a string' })
          .min(1, 'is required')
          .max(32, 'must be at most 32 characters'),
      )
      .max(100, 'must list at most 100 appids')
      .optional(),
    mchId: z
      .string({ error: 'must be a string' })
      .min(1, 'is required')
      .max(32, 'must be at most 32 characters'),
    apiKey: z.string({ error: 'must be a string' }).length(32, 'must be exactly 32 characters'),
    signType: signType.optional(),
    notifyUrl: httpUrl
      .refine((u) => !u.includes('?'), 'must not contain a query string')
      .optional(),
    baseUrl: httpUrl.optional(),
    backupBaseUrl: z.union([httpUrl, z.literal(false)]).optional(),
    clientCertificate: z
      .object({
        cert: bufferLike.optional(),
        key: bufferLike.optional(),
        pfx: z.custom<Buffer>((v) => Buffer.isBuffer(v), 'must be a Buffer').optional(),
        passphrase: z.string().optional(),
        ca: z.union([bufferLike, z.array(bufferLike)]).optional(),
      })
      .strict()
      .refine((c) => (c.cert !== undefined && c.key !== undefined) || c.pfx !== undefined, {
        message: 'needs cert and key (PEM), or pfx',
      })
      .optional(),
    acceptedNotifySignTypes: z
      .array(signType)
      .min(1, 'must list at least one sign type')
      .optional(),
    timeoutMs: z.number().int().positive('must be a positive integer').optional(),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(10).optional(),
        baseDelayMs: z.number().min(0).optional(),
        maxDelayMs: z.number().min(0).optional(),
      })
      .strict()
      .optional(),
    logger: isFunction('must be a function').optional(),
    transport: z.record(z.string(), z.unknown()).optional(),
    clock: z.object({ now: isFunction('must be a function') }).optional(),
    nonce: isFunction('must be a function').optional(),
  })
  .strict();

/**
 * Validates a {@link V2ClientConfig}. The `ConfigError` names each bad field and why,
 * never the value (the API key must not end up in logs).
 */
export function validateConfig(config: V2ClientConfig): void {
  parseConfig(configSchema, config, 'v2 client config');
}
