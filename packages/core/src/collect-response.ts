import type { Dispatcher } from 'undici';
import { ResponseTooLargeError, TimeoutError } from './errors.js';

/** A response read to the end: status, headers (lower-case names, repeats joined), body. */
export interface CollectedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What {@link collectResponse} sends. */
export interface CollectRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | null;
  readonly signal: AbortSignal | undefined;
  /** Gives up with a {@link TimeoutError} after this many milliseconds. */
  readonly timeoutMs: number | undefined;
  /** Largest body accepted, declared or streamed. */
  readonly cap: number;
}

type Raw = Buffer | string | readonly (Buffer | string)[];

const text = (value: Raw): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? value.map((v) => (typeof v === 'string' ? v : v.toString('latin1'))).join(', ')
      : (value as Buffer).toString('latin1');

/**
 * Turns undici's raw header list (`[name, value, name, value, …]`) into one object with
 * lower-case names; a repeated header's values are joined with `, ` (RFC 9110 §5.3).
 */
export function rawHeadersToRecord(raw: readonly Raw[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = text(raw[i] as Raw).toLowerCase();
    const value = text(raw[i + 1] as Raw);
    if (Object.hasOwn(out, name)) {
      out[name] = `${out[name]}, ${value}`;
    } else if (name === '__proto__') {
      // A plain assignment would set the prototype instead of a header.
      Object.defineProperty(out, name, { value, enumerable: true, writable: true });
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** The attempt timer's callback: module-level, so no closure is made per request. */
function onCollectTimeout(handler: CollectHandler): void {
  handler.stop(new TimeoutError('request timed out'));
}

/**
 * The undici handler that collects one answer. A class rather than closures: one object per
 * request, its methods shared. It is also the signal's abort listener (`handleEvent`).
 */
class CollectHandler implements Dispatcher.DispatchHandler {
  private abortRequest: ((reason?: Error) => void) | undefined;
  private settled = false;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopReason: Error | undefined;

  constructor(
    private readonly cap: number,
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    private readonly resolve: (response: CollectedResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    if (timeoutMs !== undefined) this.timer = setTimeout(onCollectTimeout, timeoutMs, this);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
    return true;
  }

  private fail(error: unknown): void {
    if (this.settle()) this.reject(error);
  }

  /** Gives up: aborts the request, or, while it still waits for a connection, settles now and
   * aborts it once undici connects it. */
  stop(reason: Error): void {
    this.stopReason = reason;
    this.abortRequest?.(reason);
    this.fail(reason);
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.stop((this.signal?.reason as Error | undefined) ?? new Error('aborted'));
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.settled) abort(this.stopReason);
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: informational, the answer follows
    this.status = statusCode;
    this.headers = rawHeadersToRecord(rawHeaders);
    const declared = Number(this.headers['content-length']);
    // Thrown here, undici aborts the request and reports the error to onError.
    if (Number.isFinite(declared) && declared > this.cap) throw new ResponseTooLargeError(this.cap);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.cap) throw new ResponseTooLargeError(this.cap);
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.settle()) return;
    // Always a copy: a chunk may be a view into a larger socket buffer we should not pin.
    this.resolve({
      status: this.status,
      headers: this.headers,
      body: Buffer.concat(this.chunks, this.size),
    });
  }

  onError(error: Error): void {
    this.fail(error);
  }
}

/**
 * Sends one request through `dispatcher.dispatch` and collects the whole answer into one
 * Buffer, refusing a body (declared or streamed) over `cap`. What `dispatcher.request` plus a
 * body reader do, without the per-response stream, async resource and listeners: every answer
 * of the API is read whole anyway. A request still waiting for a connection is given up as
 * soon as the signal aborts. Rejects with the error undici reports (or the signal's reason);
 * mapping to wxpay errors is the caller's.
 */
export function collectResponse(
  dispatcher: Dispatcher,
  request: CollectRequest,
): Promise<CollectedResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    if (request.timeoutMs !== undefined && request.timeoutMs <= 0) {
      reject(new TimeoutError('request timed out'));
      return;
    }
    const handler = new CollectHandler(request.cap, signal, request.timeoutMs, resolve, reject);
    signal?.addEventListener('abort', handler, { once: true });
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
      },
      handler,
    );
  });
}
