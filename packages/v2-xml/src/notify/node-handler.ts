import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PaymentClient } from '@wxpay/core';
import type { NotificationAck } from './acknowledge.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  handleNotification,
  type NotificationCallback,
  type NotificationHandlerOptions,
  reportError,
  tooLargeAck,
} from './handle-notification.js';

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

function send(res: ServerResponse, ack: NotificationAck): void {
  res.writeHead(ack.status, ack.headers);
  res.end(ack.body);
}

/**
 * A node:http (Express, Koa, Fastify raw, NestJS) handler for v2 notifications: reads the raw
 * body (capped), verifies it with `client.parseNotification`, awaits `onNotification`, then
 * acknowledges. Failures are answered with a FAIL acknowledgement so WeChat Pay redelivers.
 * With body-parsing middleware, mount it before the parser: the raw bytes are needed.
 */
export function createNodeNotificationHandler(
  client: Pick<PaymentClient, 'parseNotification'>,
  onNotification: NotificationCallback,
  options: NotificationHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      reportError(options, error);
      const ack = tooLargeAck();
      // Stop reading an oversized upload; the connection is not reused.
      res.setHeader('connection', 'close');
      send(res, error instanceof BodyTooLarge ? ack : { ...ack, status: 400 });
      return;
    }
    send(
      res,
      await handleNotification(client, onNotification, { headers: req.headers, body }, options),
    );
  };
}
