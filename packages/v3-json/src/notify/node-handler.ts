import type { IncomingMessage, ServerResponse } from 'node:http';
import { MalformedMessageError, type PaymentClient, type PaymentNotification } from '@wxpay/core';
import { buildAcknowledgement, failureAck, type NotificationAck } from './acknowledge.js';
import { ackForParseError, BodyTooLargeError } from './classify-failure.js';
import { reportError } from './report-error.js';

/** Options of the notification handlers. */
export interface NotificationHandlerOptions {
  /** Largest accepted body in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Called with any error (verification, parsing, or thrown by `onNotification`). */
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

async function readBody(req: IncomingMessage, cap: number): Promise<Buffer | string> {
  // A body parser ran first: raw bodies (express.raw / text) are usable, parsed JSON is not.
  const preread = (req as { body?: unknown }).body;
  if (Buffer.isBuffer(preread) || typeof preread === 'string') {
    if (Buffer.byteLength(preread) > cap) throw new BodyTooLargeError(cap);
    return preread;
  }
  if (preread !== undefined && preread !== null && req.readableEnded) {
    throw new MalformedMessageError(
      'the request body was already parsed; mount the handler before any JSON body parser or use express.raw()',
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) throw new BodyTooLargeError(cap);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > cap) throw new BodyTooLargeError(cap);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

function write(res: ServerResponse, ack: NotificationAck): void {
  res.writeHead(ack.status, ack.headers);
  res.end(ack.body);
}

/**
 * A node:http (Express, Fastify `raw`, Koa `ctx.req`, NestJS) handler: reads the raw body,
 * verifies and decodes it with `client.parseNotification`, awaits `onNotification`, then
 * acknowledges. Verification failures answer 401/400; `onNotification` throwing answers 500
 * so WeChat Pay redelivers. Mount it where nothing has consumed the body yet.
 */
export function createNodeNotificationHandler(
  client: Pick<PaymentClient, 'parseNotification'>,
  onNotification: (notification: PaymentNotification) => unknown,
  options: NotificationHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let notification: PaymentNotification;
    try {
      const body = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY);
      notification = await client.parseNotification({ headers: req.headers, body });
    } catch (error) {
      reportError(options.onError, error);
      if (error instanceof BodyTooLargeError) res.setHeader('connection', 'close');
      write(res, ackForParseError(error));
      return;
    }
    try {
      await onNotification(notification);
    } catch (error) {
      reportError(options.onError, error);
      write(res, failureAck(500, 'notification handler failed'));
      return;
    }
    write(res, buildAcknowledgement(true));
  };
}
