import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  type CallOptions,
  MalformedMessageError,
  ResponseTooLargeError,
  type RetryPolicy,
} from '@wxpay/core';
import {
  parseInput,
  type Transport,
  toTransportError,
  withBackupDomain,
  withRetry,
} from '@wxpay/core/adapter';
import { z } from 'zod';
import { httpStatusError, returnFailError } from '../map-error.js';
import { signedBody } from '../map-request.js';
import type { PostContext } from '../request.js';
import type { DownloadBillParams } from '../types.js';
import { parseXml } from '../xml/parse-xml.js';
import { toDownloadBillFields } from './map-bill.js';

const billSchema = z
  .object({
    billDate: z.string().regex(/^\d{8}$/, 'must be yyyyMMdd'),
    billType: z.enum(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND']).optional(),
    gzip: z.boolean().optional(),
    maxBytes: z.number().int().positive().optional(),
  })
  .strict();
const BILL_PATH = '/pay/downloadbill';
const BILL_ERROR_CAP = 64 * 1024;
const DEFAULT_BILL_MAX_BYTES = 1024 * 1024 * 1024;

/** What a bill download needs from the client. */
export interface BillContext {
  readonly post: PostContext;
  readonly transport: Transport;
  readonly retry: Partial<RetryPolicy> | undefined;
}

/**
 * Downloads a bill (`/pay/downloadbill`, retried as a whole until the body starts, on the backup
 * domain when the primary cannot be reached) and returns its bytes as a stream: decompressed
 * when gzip, capped at `maxBytes`, failure replies raised.
 */
export async function openBillStream(
  ctx: BillContext,
  params: DownloadBillParams,
  options?: CallOptions,
): Promise<AsyncIterable<Buffer>> {
  const p = parseInput(billSchema, params, 'downloadBill params');
  const fields = toDownloadBillFields(p as DownloadBillParams);
  // An idempotent read: fails over to the backup domain like any other (ADR 0010).
  const failover = {
    baseUrl: ctx.post.baseUrl,
    backupBaseUrl: ctx.post.backupBaseUrl,
    idempotent: true,
    logger: ctx.post.logger,
    method: 'POST',
    path: BILL_PATH,
  };
  return withRetry(
    ({ signal }) => withBackupDomain((baseUrl) => attempt(baseUrl, signal), failover),
    {
      policy: ctx.retry ?? {},
      signal: options?.signal,
      // The attempt's signal also governs the body stream, so the client-wide timeout
      // (sized for small replies) does not apply to a bill; undici's idle timeouts do.
      attemptTimeoutMs: options?.timeoutMs,
    },
  );

  async function attempt(baseUrl: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const response = await ctx.transport.stream({
      url: `${baseUrl}${BILL_PATH}`,
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: signedBody(ctx.post, fields),
      signal,
    });
    if (response.status !== 200) {
      discard(response.body);
      throw httpStatusError(response.status);
    }
    return openBill(response.body, p.maxBytes ?? DEFAULT_BILL_MAX_BYTES);
  }
}

/** Drops a response body we will not read; undici reports that as an error, which we expect. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * Passes chunks through, failing once more than `limit` bytes went by (gzip bombs). Failures of
 * the source become wxpay errors: corrupt gzip a MalformedMessageError, the rest (a dropped
 * connection) a ConnectionError.
 */
async function* capped(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw new ResponseTooLargeError(limit);
      yield chunk;
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new MalformedMessageError(`bill is not valid gzip (${code})`);
    }
    throw toTransportError(error);
  }
}

/**
 * Looks at the first bytes of a bill download: an XML body (leading `<`) is a failure reply
 * (unsigned, `return_code=FAIL`); gzip magic is decompressed; anything else is the CSV itself.
 * The returned stream is capped at `maxBytes` (after decompression).
 */
async function openBill(body: Readable, maxBytes: number): Promise<AsyncIterable<Buffer>> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return Readable.from([]);
  const head: Buffer = first.value;
  const rest = async function* () {
    try {
      yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // A consumer that stops early releases the connection.
      await iterator.return?.();
    }
  };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    // pipeline, not pipe: a network failure must reach the reader as an error, not a hang.
    pipeline(Readable.from(rest()), gunzip, () => {});
    return capped(gunzip, maxBytes);
  }
  const start = head.toString('utf8', 0, Math.min(head.length, 16)).replace(/^\uFEFF?\s*/, '');
  if (start.startsWith('<')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of rest()) {
      size += chunk.length;
      if (size > BILL_ERROR_CAP) {
        throw new MalformedMessageError('bill download failed with an oversized XML reply');
      }
      chunks.push(chunk);
    }
    const raw = parseXml(Buffer.concat(chunks), { maxBytes: BILL_ERROR_CAP });
    throw returnFailError(raw, 200);
  }
  return capped(rest(), maxBytes);
}
