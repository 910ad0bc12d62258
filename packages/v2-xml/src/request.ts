import {
  type CallOptions,
  type Clock,
  type LogEvent,
  type Logger,
  type NonceSource,
  type RetryPolicy,
  WxPayError,
} from '@wxpay/core';
import { type Transport, withBackupDomain, withRetry } from '@wxpay/core/adapter';
import { checkAnswer, type V2AnswerBinding } from './check-answer.js';
import { httpStatusError } from './map-error.js';
import { signedBody } from './map-request.js';
import { checkResponse } from './map-response.js';
import type { SignType } from './signing/sign-type.js';
import { VERSION } from './version.js';
import { parseXml, type XmlMessage } from './xml/parse-xml.js';

// Kept importable from here: the benchmark package loads it from this module of the build.
export { signedBody } from './map-request.js';

/** Everything a signed v2 call needs; built once per client. */
export interface PostContext {
  readonly appId: string;
  /** Further appids of the same merchant accepted in replies (`acceptedAppIds`). */
  readonly acceptedAppIds?: readonly string[] | undefined;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: SignType;
  readonly baseUrl: string;
  /** Where an idempotent call that cannot connect is tried once more (none: no failover). */
  readonly backupBaseUrl?: string | undefined;
  readonly nonce: NonceSource;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly retry: Partial<RetryPolicy> | undefined;
  readonly logger: Logger | undefined;
}

/** Per-call options of {@link postV2}. */
export interface PostOptions extends CallOptions {
  readonly transport: Transport;
  /** False for calls that must not be repeated blindly (micropay). */
  readonly idempotent?: boolean;
  /** `err_code`s that are not failures for this call. */
  readonly acceptErrCodes?: readonly string[];
  /** The order and refund the request is about; the reply must be about them too. */
  readonly answer?: Omit<V2AnswerBinding, 'appId' | 'acceptedAppIds' | 'mchId'>;
}

const HEADERS = Object.freeze({
  'content-type': 'text/xml; charset=utf-8',
  accept: 'text/xml, application/xml',
  'user-agent': `wxpay-v2-xml/${VERSION} node/${process.versions.node}`,
});

/** Calls the user's logger; a logger that throws must not change a call's outcome. */
function log(logger: Logger | undefined, event: LogEvent): void {
  if (!logger) return;
  try {
    logger(event);
  } catch {
    // Ignored on purpose: logging is best effort.
  }
}

/**
 * POSTs a signed v2 request with retries and returns the verified reply: status checked, XML
 * parsed strictly, `sign` verified, business failures mapped to typed errors.
 */
export async function postV2(
  ctx: PostContext,
  path: string,
  fields: Readonly<Record<string, string | number | undefined>>,
  options: PostOptions,
): Promise<XmlMessage> {
  const idempotent = options.idempotent ?? true;
  const logger = ctx.logger;
  // Built once per call, not per attempt: nothing here changes between attempts.
  const failover = {
    baseUrl: ctx.baseUrl,
    backupBaseUrl: ctx.backupBaseUrl,
    idempotent,
    logger,
    method: 'POST',
    path,
  };
  return withRetry(
    ({ attempt, signal }) =>
      withBackupDomain((baseUrl) => attemptOnce(baseUrl, attempt, signal), failover),
    {
      policy: ctx.retry ?? {},
      signal: options.signal,
      attemptTimeoutMs: options.timeoutMs ?? ctx.timeoutMs,
      idempotent,
    },
  );

  async function attemptOnce(
    baseUrl: string,
    attempt: number,
    signal: AbortSignal,
  ): Promise<XmlMessage> {
    const started = logger ? ctx.clock.now() : 0;
    try {
      const response = await options.transport.request({
        url: `${baseUrl}${path}`,
        method: 'POST',
        headers: HEADERS,
        body: signedBody(ctx, fields),
        signal,
      });
      if (response.status !== 200) throw httpStatusError(response.status);
      const raw = parseXml(response.body, { maxBytes: Number.MAX_SAFE_INTEGER });
      const checked = checkResponse(raw, {
        apiKey: ctx.apiKey,
        signType: ctx.signType,
        appId: ctx.appId,
        acceptedAppIds: ctx.acceptedAppIds,
        mchId: ctx.mchId,
        subMchId: options.answer?.subMchId,
        status: response.status,
        ...(options.acceptErrCodes ? { acceptErrCodes: options.acceptErrCodes } : {}),
      });
      checkAnswer(checked, {
        appId: ctx.appId,
        acceptedAppIds: ctx.acceptedAppIds,
        mchId: ctx.mchId,
        ...options.answer,
      });
      // Events are built only when a logger is set.
      if (logger) {
        log(logger, {
          level: 'debug',
          message: 'wxpay v2 request succeeded',
          method: 'POST',
          path,
          status: response.status,
          attempt,
          durationMs: ctx.clock.now() - started,
        });
      }
      return checked;
    } catch (error) {
      if (logger) {
        log(logger, {
          level: 'warn',
          message: 'wxpay v2 request failed',
          method: 'POST',
          path,
          attempt,
          durationMs: ctx.clock.now() - started,
          errorName: error instanceof Error ? error.name : 'Error',
          ...(WxPayError.isInstance(error) && 'code' in error && typeof error.code === 'string'
            ? { errorCode: error.code }
            : {}),
        });
      }
      throw error;
    }
  }
}

/** The per-call options {@link postV2} takes from a public method's options (nothing else). */
export function callOptions(options: CallOptions | undefined): CallOptions {
  return {
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}
