import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { collectResponse } from './collect-response.js';
import { AbortedError, ConfigError, ConnectionError, TimeoutError, WxPayError } from './errors.js';

/** Client certificate for mutual TLS (v2 `/secapi/*` calls). */
export interface ClientCertificate {
  /** PEM certificate (`apiclient_cert.pem`). */
  readonly cert?: string | Buffer;
  /** PEM private key (`apiclient_key.pem`). */
  readonly key?: string | Buffer;
  /** PKCS#12 bundle (`apiclient_cert.p12`), an alternative to cert + key. */
  readonly pfx?: Buffer;
  /** Passphrase of the PKCS#12 bundle (WeChat Pay uses the merchant id). */
  readonly passphrase?: string;
  /** Extra trusted CA certificates (PEM), e.g. for a local test server. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Use this undici dispatcher instead of creating an Agent (tests, proxies). Not closed by us. */
  readonly dispatcher?: Dispatcher;
  /** Maximum connections per origin (default 64). */
  readonly connections?: number;
  /** Idle keep-alive time of a pooled connection (default 30 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Largest response body accepted, in bytes (default 8 MiB). */
  readonly maxResponseBytes?: number;
  /** Time allowed for response headers (default 30 s). */
  readonly headersTimeoutMs?: number;
  /** Time allowed between body chunks (default 30 s). */
  readonly bodyTimeoutMs?: number;
  /** Trust and client certificate for TLS. */
  readonly tls?: ClientCertificate;
}

/** One HTTP request. */
export interface HttpRequest {
  /** Absolute URL. */
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly signal?: AbortSignal | undefined;
  /**
   * `request` only: gives up with a {@link TimeoutError} after this many milliseconds (0: at
   * once), like a signal that times out but without making one. `stream` callers pass a signal.
   */
  readonly timeoutMs?: number | undefined;
  /** Overrides the transport's body cap for this request. */
  readonly maxResponseBytes?: number;
}

/** A fully read HTTP response. Header names are lower-case. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A response whose body is still to be read (bill downloads). */
export interface HttpStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

/** A keep-alive HTTP client shared by one adapter instance. */
export interface Transport {
  request(request: HttpRequest): Promise<HttpResponse>;
  stream(request: HttpRequest): Promise<HttpStreamResponse>;
  /** Closes pooled connections (only those this transport created). */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

function normalizeHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  // undici already gives lower-case names; `for…in` avoids the entry arrays of Object.entries.
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Characters a path or query may hold that the WHATWG URL parser leaves exactly as they are. */
const VERBATIM_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
/** A dot segment (`/.`, `/..`, also percent-encoded), which the URL parser would resolve. */
const DOT_SEGMENT = /\/(?:\.|%2e)/i;

/**
 * Splits an absolute URL into origin and path+query the way `new URL` would, without parsing
 * when the URL is plain: the origin part must be one this transport has already seen `new URL`
 * give back unchanged, and the rest must hold only characters the parser keeps verbatim and no
 * dot segment. Anything else (and a `#`, a space, non-ASCII, `\`) goes through `new URL`.
 */
function createUrlSplitter(): (url: string) => { origin: string; path: string } {
  const origins = new Set<string>();
  return (url) => {
    const scheme = url.indexOf('://');
    const slash = scheme > 0 ? url.indexOf('/', scheme + 3) : -1;
    if (slash > 0) {
      const origin = url.slice(0, slash);
      const path = url.slice(slash);
      if (origins.has(origin) && VERBATIM_PATH.test(path) && !DOT_SEGMENT.test(path)) {
        return { origin, path };
      }
    }
    const parsed = new URL(url);
    const path = `${parsed.pathname}${parsed.search}`;
    // Remember an origin only when the parser returned it as written (no case or port change),
    // and keep the set small: a client talks to one or two hosts.
    if (slash > 0 && parsed.origin === url.slice(0, slash) && origins.size < 16) {
      origins.add(parsed.origin);
    }
    return { origin: parsed.origin, path };
  };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/**
 * Maps a low-level failure to a wxpay error. The cause is kept only as its code and message
 * (never the request options, which hold the Authorization header).
 */
export function toTransportError(error: unknown, signal?: AbortSignal): WxPayError {
  if (WxPayError.isInstance(error)) return error;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
    return isTimeout ? new TimeoutError('request timed out') : new AbortedError('request aborted');
  }
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const cause = { code, message };
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new TimeoutError(`request timed out (${String(code)})`, { cause });
  }
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new ConnectionError(`connection failed (${code}): ${message}`, { cause });
  }
  return new ConnectionError(`request failed: ${message}`, { cause });
}

/**
 * Creates a keep-alive transport on undici. One Agent (a pool per origin) is created per
 * transport and reused by every call, including mutual-TLS calls.
 */
export function createTransport(options: TransportOptions = {}): Transport {
  if (options.dispatcher !== undefined && options.tls !== undefined) {
    // An injected dispatcher makes its own connections: a client certificate given here would
    // be silently ignored, and a mutual-TLS call would fail far from the cause.
    throw new ConfigError('transport: give either `dispatcher` or `tls`, not both', [
      {
        path: 'tls',
        message: 'ignored when a dispatcher is injected; configure TLS on the dispatcher',
      },
    ]);
  }
  const owned = options.dispatcher === undefined;
  let closed: Promise<void> | undefined;
  const dispatcher: Dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
      ...(options.tls
        ? { connect: { ...options.tls } as NonNullable<Agent.Options['connect']> }
        : {}),
    });
  const defaultCap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  const split = createUrlSplitter();

  async function send(request: HttpRequest): Promise<Dispatcher.ResponseData> {
    const { origin, path } = split(request.url);
    try {
      return await dispatcher.request({
        origin,
        path,
        method: request.method,
        // undici only reads the object; no copy needed.
        headers: request.headers ?? {},
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
    } catch (error) {
      throw toTransportError(error, request.signal);
    }
  }

  return {
    async request(request) {
      const { origin, path } = split(request.url);
      try {
        // Read whole through `dispatch`: no response stream per call (see collectResponse).
        return await collectResponse(dispatcher, {
          origin,
          path,
          method: request.method,
          headers: request.headers ?? {},
          body: request.body ?? null,
          signal: request.signal,
          timeoutMs: request.timeoutMs,
          cap: request.maxResponseBytes ?? defaultCap,
        });
      } catch (error) {
        throw toTransportError(error, request.signal);
      }
    },
    async stream(request) {
      const response = await send(request);
      return {
        status: response.statusCode,
        headers: normalizeHeaders(response.headers),
        body: response.body,
      };
    },
    close() {
      // Idempotent: a second close (or one racing the first) waits for the same shutdown.
      closed ??= (owned ? dispatcher.close() : Promise.resolve()).then(() => undefined);
      return closed;
    },
  };
}
