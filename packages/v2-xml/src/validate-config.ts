import { ConfigError, toValidationIssues } from '@wxpay/core';
import { z } from 'zod';
import type { V2ClientConfig } from './v2-types.js';

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
 * Validates a {@link V2ClientConfig}. The {@link ConfigError} names each bad field and why,
 * never the value (the API key must not end up in logs).
 */
export function validateConfig(config: V2ClientConfig): void {
  const result = configSchema.safeParse(config);
  if (result.success) return;
  const issues = toValidationIssues(result.error).map((i) => ({
    path: i.path,
    // zod's messages for unknown keys quote the key only; type messages never echo values.
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid v2 client config: ${summary}`, issues);
}
