import { MalformedMessageError } from '../errors.js';
import { NotificationTooLargeError } from './notification-errors.js';

/**
 * A notification body as frameworks hand it over: the raw text or bytes (`express.raw()`,
 * Fastify's buffer parser, Nest's `req.rawBody`), a node stream (`IncomingMessage`), a Web
 * `ReadableStream` (`Request.body`), or nothing.
 */
export type NotificationBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | AsyncIterable<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | null
  | undefined;

function isWebStream(value: object): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream).getReader === 'function';
}

function isAsyncIterable(value: object): value is AsyncIterable<Uint8Array | string> {
  return typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function checked<T extends string | Uint8Array>(body: T, limit: number): T {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > limit) throw new NotificationTooLargeError(limit);
  return body;
}

async function readWebStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop the upload rather than buffering what will be refused anyway.
      await reader.cancel().catch(() => {});
      throw new NotificationTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The parts of a node `Readable` (an `IncomingMessage`) the listener path uses. */
interface NodeReadable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  destroy(): unknown;
  readonly readableEnded: boolean;
  readonly readableFlowing: boolean | null;
  readonly readableObjectMode: boolean;
  readonly readableDidRead?: boolean;
  readonly destroyed: boolean;
}

/**
 * A node stream nobody has started reading: the one shape {@link readNodeStream} handles. Any
 * other stream (ended, destroyed, already flowing or read from, object mode) keeps the
 * `for await` path, whose behaviour on such streams is node's own.
 */
function isFreshNodeStream(value: object): value is NodeReadable {
  const s = value as Partial<NodeReadable>;
  return (
    typeof s.on === 'function' &&
    typeof s.off === 'function' &&
    typeof s.destroy === 'function' &&
    s.readableEnded === false &&
    s.readableFlowing === null &&
    s.readableObjectMode === false &&
    s.readableDidRead !== true &&
    s.destroyed === false
  );
}

/** Node's error for a stream that closed before its end, as `for await` raises it. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * Reads a fresh node stream with `data`/`end` listeners: the same bytes, cap and outcomes as
 * the `for await` path (an oversized upload destroys the stream; an error or a close before the
 * end rejects) without an async iterator and its promise per chunk on every notification.
 */
function readNodeStream(stream: NodeReadable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      // The error listener stays: an error after this must not become an uncaught exception.
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > limit) {
        settle();
        stream.destroy();
        reject(new NotificationTooLargeError(limit));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      settle();
      // One copy: the body never aliases a buffer the stream handed out.
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = () => {
      settle();
      reject(prematureClose());
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    stream.on('error', onError);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    stream.on('data', onData);
  });
}

async function readIterable(
  source: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop by throwing destroys a node stream, so an oversized upload is not read on.
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    size += buf.length;
    if (size > limit) throw new NotificationTooLargeError(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads a notification body once, never more than `limit` bytes, keeping the exact bytes
 * (the signature covers them). `declaredLength` (the `content-length` header) refuses an
 * announced oversized body before reading any of it. A body some parser already turned into
 * an object cannot be verified any more and is refused with a {@link MalformedMessageError}
 * that says so.
 */
export async function readNotificationBody(
  source: unknown,
  limit: number,
  declaredLength?: unknown,
): Promise<string | Uint8Array> {
  if (typeof source === 'string' || source instanceof Uint8Array) return checked(source, limit);
  if (source instanceof ArrayBuffer) return checked(new Uint8Array(source), limit);
  if (source === undefined || source === null) return new Uint8Array(0);
  if (typeof source === 'object') {
    const declared = typeof declaredLength === 'string' ? Number(declaredLength) : Number.NaN;
    if (declared > limit) throw new NotificationTooLargeError(limit);
    if (isWebStream(source)) return readWebStream(source, limit);
    if (isFreshNodeStream(source)) return readNodeStream(source, limit);
    if (isAsyncIterable(source)) return readIterable(source, limit);
  }
  throw new MalformedMessageError(
    'the notification body was already parsed; pass the raw body (mount the handler before any JSON/XML body parser, or use express.raw())',
  );
}
