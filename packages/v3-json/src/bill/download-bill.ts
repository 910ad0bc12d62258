import { createHash, timingSafeEqual } from 'node:crypto';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  type CallOptions,
  type Logger,
  ResponseValidationError,
  type RetryPolicy,
  WxPayError,
} from '@wxpay/core';
import {
  type BackupDomainOptions,
  type HttpStreamResponse,
  type Transport,
  toTransportError,
  withBackupDomain,
  withRetry,
} from '@wxpay/core/adapter';
import { toApiError } from '../map-error.js';
import type { V3Requester } from '../request.js';
import { decodeWire, parseJson } from '../schemas/decode-wire.js';
import { billResponseSchema } from '../schemas/misc.js';
import { BillIntegrityError } from './bill-integrity-error.js';

/** A bill being downloaded. */
export interface BillDownload {
  /** Always `SHA1` today. */
  readonly hashType: string;
  /** Expected hex SHA-1 of the decompressed file. */
  readonly hashValue: string;
  /**
   * The CSV bytes (decompressed when gzip was requested). The hash is checked when the stream
   * ends: a mismatch makes the stream fail with {@link BillIntegrityError}, so act on the data
   * only once the stream has ended without an error.
   */
  readonly stream: Readable;
}

/** What the bill download needs from the client. */
export interface BillContext {
  readonly requester: V3Requester;
  readonly transport: Transport;
  readonly baseUrl: string;
  /** Where the application, and a `download_url` on `baseUrl`, go when `baseUrl` is down. */
  readonly backupBaseUrl?: string | undefined;
  readonly logger?: Logger | undefined;
  /** Hosts (exact or `*.suffix`, https only) or origins a `download_url` may name. */
  readonly billDownloadHosts: readonly string[];
  readonly userAgent: string;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly now: () => number;
}

function listed(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    if (pattern.includes('://')) return new URL(pattern).origin === url.origin;
    if (url.protocol !== 'https:') return false;
    return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
  });
}

/**
 * Where a `download_url` may lead: the API origin, its backup, or an https host on the
 * configurable allow-list (WeChat Pay may serve bills from another of its domains,
 * docs/protocol/live-behaviour.md, transport). The Authorization header goes nowhere else.
 */
function allowedDownloadUrl(downloadUrl: string, context: BillContext): URL {
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    throw new ResponseValidationError('download_url is not a URL');
  }
  const origins = [context.baseUrl, context.backupBaseUrl]
    .filter((o): o is string => o !== undefined)
    .map((o) => new URL(o).origin);
  if (!origins.includes(url.origin) && !listed(url, context.billDownloadHosts)) {
    throw new ResponseValidationError(
      'download_url points outside WeChat Pay; refusing to send credentials there',
    );
  }
  return url;
}

function hashChecker(expectedHex: string): Transform {
  const hash = createHash('sha1');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest();
      const expected = Buffer.from(expectedHex.toLowerCase(), 'hex');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
        callback(new BillIntegrityError('bill SHA-1 does not match hash_value; discard the data'));
      } else {
        callback();
      }
    },
  });
}

/**
 * Applies for a bill (`GET /v3/bill/tradebill` or `/fundflowbill`, signed and verified), then
 * streams `download_url` with an `Authorization` over its path and query (the file itself is
 * not signed), gunzipping when asked, and checks the SHA-1 at the end (docs/protocol/v3.md).
 */
export async function downloadBill(
  context: BillContext,
  pathAndQuery: string,
  gzip: boolean,
  options: CallOptions = {},
): Promise<BillDownload> {
  const applied = await context.requester.send(
    { method: 'GET', path: pathAndQuery, context: 'other', idempotent: true },
    options,
  );
  const bill = decodeWire(
    billResponseSchema,
    parseJson(applied.body, 'bill response'),
    'bill response',
  );
  if (bill.hash_type.toUpperCase() !== 'SHA1' || !/^[0-9a-fA-F]{40}$/.test(bill.hash_value)) {
    throw new ResponseValidationError(`unsupported bill hash ${bill.hash_type}`, { raw: bill });
  }
  const url = allowedDownloadUrl(bill.download_url, context);
  const failover = billFileFailover(url, context);
  const response = await withRetry(
    () =>
      withBackupDomain(
        (origin) => fetchBillFile(context, failover.at(origin), options),
        failover.options,
      ),
    { policy: context.retry ?? {}, signal: options.signal, idempotent: true },
  );
  const checker = hashChecker(bill.hash_value);
  const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[] = [response.body];
  if (gzip) stages.push(createGunzip());
  stages.push(checker);
  // The caller reads `output`, outside the pipeline: pipeline() destroys its own stages with the
  // raw error, while the caller must get a typed one (network, gzip or hash failure).
  const output = new PassThrough();
  checker.pipe(output);
  // A caller that stops reading early releases the connection.
  output.once('close', () => {
    if (!checker.readableEnded) response.body.destroy();
  });
  pipeline(stages as unknown as [Readable, Transform], (error) => {
    if (error) output.destroy(mapStreamError(error, gzip));
  });
  return { hashType: bill.hash_type, hashValue: bill.hash_value.toLowerCase(), stream: output };
}

/**
 * How the file fetch fails over: a `download_url` under the API base URL is fetched under the
 * backup when the primary cannot be reached, like any idempotent call
 * (docs/decisions/0010-backup-domain-failover.md); another bill host has no backup.
 */
function billFileFailover(
  url: URL,
  context: BillContext,
): { at(origin: string): URL; options: BackupDomainOptions } {
  const prefix = new URL(`${context.baseUrl}/`).href;
  const relative = url.href.startsWith(prefix) ? url.href.slice(prefix.length) : undefined;
  return {
    at: (origin) =>
      origin === context.baseUrl || relative === undefined ? url : new URL(relative, `${origin}/`),
    options: {
      baseUrl: context.baseUrl,
      backupBaseUrl: relative === undefined ? undefined : context.backupBaseUrl,
      idempotent: true,
      logger: context.logger,
      method: 'GET',
      // The path only: the query holds the download token.
      path: url.pathname,
    },
  };
}

/** GETs the bill file with an `Authorization` over its path and query; non-200 is an API error. */
async function fetchBillFile(
  context: BillContext,
  url: URL,
  options: CallOptions,
): Promise<HttpStreamResponse> {
  const authorization = await context.requester.authorize('GET', `${url.pathname}${url.search}`);
  const res = await context.transport.stream({
    url: url.href,
    method: 'GET',
    headers: { authorization, accept: '*/*', 'user-agent': context.userAgent },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.status !== 200) {
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    throw toApiError(
      { status: res.status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
      'other',
      context.now(),
    );
  }
  return res;
}

function mapStreamError(error: Error, gzip: boolean): WxPayError {
  if (WxPayError.isInstance(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
    return new BillIntegrityError('bill is not valid gzip data');
  }
  return toTransportError(error);
}
