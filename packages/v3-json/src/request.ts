import type { KeyObject } from 'node:crypto';
import {
  type CallOptions,
  type Clock,
  type Logger,
  type NonceSource,
  type RetryPolicy,
  WxPayError,
} from '@wxpay/core';
import {
  type AttemptContext,
  type HttpResponse,
  type Transport,
  unixSeconds,
  withBackupDomain,
  withRetry,
} from '@wxpay/core/adapter';
import { type ErrorContext, toApiError } from './map-error.js';
import { buildAuthorization } from './signing/authorization.js';
import { buildRequestMessage } from './signing/build-message.js';
import { signMessage } from './signing/sign.js';
import { verifyWechatpaySignature } from './signing/verify.js';
import { createWireUrl, type WireUrl } from './wire-url.js';

/** One signed v3 call. */
export interface V3Request {
  readonly method: 'GET' | 'POST';
  /** Path and query exactly as sent (and signed). */
  readonly path: string;
  /** JSON text, serialized once so every attempt signs the same bytes. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly context: ErrorContext;
  /** Safe to repeat (queries, close, creation and refunds keyed by merchant numbers). */
  readonly idempotent: boolean;
  /**
   * How to find the key that verifies a 2xx answer; defaults to the client's trust store.
   * The certificate download passes its own, built from the certificates it just received.
   */
  readonly resolveKey?: (serial: string, body: Buffer) => Promise<KeyObject | undefined>;
}

/** Everything the signed-request pipeline needs from the client. */
export interface V3RequesterOptions {
  readonly baseUrl: string;
  /** Where an idempotent call that cannot connect is tried once more (none: no failover). */
  readonly backupBaseUrl?: string | undefined;
  readonly mchId: string;
  readonly certificateSerial: string;
  readonly privateKey: KeyObject;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly nonce: NonceSource;
  readonly logger?: Logger | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly resolveKey: (serial: string) => Promise<KeyObject | undefined>;
  /** The `Wechatpay-Serial` to announce so WeChat Pay answers with a key we hold. */
  readonly preferredSerial: () => string | undefined;
}

/** The signed-request pipeline shared by every v3 call. */
export interface V3Requester {
  /** Sends with retries; resolves with a verified 2xx response, throws typed errors otherwise. */
  send(request: V3Request, options?: CallOptions): Promise<HttpResponse>;
  /** The `Authorization` header value for a request (fresh timestamp and nonce). */
  authorize(method: string, pathAndQuery: string, body?: string): Promise<string>;
}

/** Creates the signed-request pipeline: sign per attempt, send, verify, classify. */
export function createV3Requester(options: V3RequesterOptions): V3Requester {
  async function authorize(method: string, pathAndQuery: string, body = ''): Promise<string> {
    const timestamp = unixSeconds(options.clock);
    const nonce = options.nonce();
    const message = buildRequestMessage(method, pathAndQuery, timestamp, nonce, body);
    const signature = await signMessage(options.privateKey, message);
    return buildAuthorization({
      mchId: options.mchId,
      nonce,
      timestamp,
      serialNo: options.certificateSerial,
      signature,
    });
  }

  const logger = options.logger;
  // Joins base URL and path as `new URL` would, without parsing plain paths (one per origin).
  const joinPrimary = createWireUrl(options.baseUrl);
  const joinBackup = options.backupBaseUrl ? createWireUrl(options.backupBaseUrl) : undefined;
  const join = (baseUrl: string, path: string): WireUrl => {
    if (baseUrl === options.baseUrl) return joinPrimary(path);
    if (joinBackup && baseUrl === options.backupBaseUrl) return joinBackup(path);
    return createWireUrl(baseUrl)(path);
  };

  async function send(request: V3Request, call: CallOptions = {}): Promise<HttpResponse> {
    // Built once per call, not per attempt: nothing here changes between attempts.
    const failover = {
      baseUrl: options.baseUrl,
      backupBaseUrl: options.backupBaseUrl,
      idempotent: request.idempotent,
      logger,
      method: request.method,
      path: request.path,
    };
    const body = request.body;
    const resolveKey = request.resolveKey;
    return withRetry(
      // Without a backup origin there is nothing to fail over to: no wrapper per attempt.
      !failover.backupBaseUrl
        ? (attempt) => once(options.baseUrl, attempt)
        : (attempt) => withBackupDomain((baseUrl) => once(baseUrl, attempt), failover),
      {
        policy: options.retry,
        signal: call.signal,
        attemptTimeoutMs: call.timeoutMs ?? options.timeoutMs,
        idempotent: request.idempotent,
        onRetry: logger
          ? ({ attempt, delayMs, error }) =>
              logger({
                level: 'info',
                message: `retrying in ${delayMs} ms`,
                method: request.method,
                path: request.path,
                attempt,
                errorName: error instanceof Error ? error.name : 'Error',
              })
          : undefined,
      },
    );

    async function once(baseUrl: string, context: AttemptContext): Promise<HttpResponse> {
      const attempt = context.attempt;
      const started = logger ? Date.now() : 0;
      // Sign exactly what goes on the wire: the URL parser may normalize the path.
      const { href, wirePath } = join(baseUrl, request.path);
      const authorization = await authorize(request.method, wirePath, body ?? '');
      const headers: Record<string, string> = request.headers
        ? {
            accept: 'application/json',
            'user-agent': options.userAgent,
            ...request.headers,
            authorization,
          }
        : { accept: 'application/json', 'user-agent': options.userAgent, authorization };
      const announce = options.preferredSerial();
      if (announce && !('wechatpay-serial' in headers)) headers['wechatpay-serial'] = announce;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: HttpResponse | undefined;
      try {
        // The caller's signal and the attempt's time left, enforced by the transport itself:
        // no AbortController per attempt (see AttemptContext).
        const signal = context.callerSignal;
        const timeoutMs = context.remainingMs();
        response = await options.transport.request(
          body !== undefined
            ? { url: href, method: request.method, headers, body, signal, timeoutMs }
            : { url: href, method: request.method, headers, signal, timeoutMs },
        );
        if (response.status < 200 || response.status >= 300 || response.status === 202) {
          throw toApiError(
            {
              status: response.status,
              headers: response.headers,
              body: response.body.toString('utf8'),
            },
            request.context,
            options.clock.now(),
          );
        }
        const answer = response;
        await verifyWechatpaySignature({
          headers: answer.headers,
          body: answer.body,
          nowSeconds: unixSeconds(options.clock),
          resolveKey: resolveKey ? (serial) => resolveKey(serial, answer.body) : options.resolveKey,
        });
        // `?.(…)` evaluates no argument, so no event object is built without a logger.
        logger?.({
          level: 'debug',
          message: 'v3 call succeeded',
          method: request.method,
          path: request.path,
          status: response.status,
          attempt,
          durationMs: Date.now() - started,
          ...(response.headers['request-id'] ? { requestId: response.headers['request-id'] } : {}),
        });
        return response;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        logger?.({
          level: 'warn',
          message: 'v3 call failed',
          method: request.method,
          path: request.path,
          attempt,
          durationMs: Date.now() - started,
          ...(response ? { status: response.status } : {}),
          ...(response?.headers['request-id'] ? { requestId: response.headers['request-id'] } : {}),
          errorName: error instanceof Error ? error.name : 'Error',
          ...(typeof code === 'string' ? { errorCode: code } : {}),
        });
        throw WxPayError.isInstance(error)
          ? error
          : new WxPayError('v3 call failed unexpectedly', {
              cause:
                error instanceof Error ? { name: error.name, message: error.message } : undefined,
            });
      }
    }
  }

  return { send, authorize };
}
