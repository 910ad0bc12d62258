import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  handleNotification,
  type NotificationCallback,
  type NotificationClient,
  type NotificationHandlerOptions,
} from './handle-notification.js';
import type { NotificationBody } from './read-notification-body.js';

/**
 * The body to read: raw bytes a framework kept (`express.raw()`/`text()` in `req.body`, Nest's
 * `req.rawBody`) or else the request stream. A parsed `req.body` on a consumed stream is passed
 * on so it is refused with a message that names the cause.
 */
function bodyOf(req: IncomingMessage): unknown {
  const { body, rawBody } = req as { body?: unknown; rawBody?: unknown };
  if (rawBody instanceof Uint8Array) return rawBody;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body !== undefined && body !== null && req.readableEnded) return body;
  return req;
}

/**
 * A notification handler for node:http and the frameworks built on it (Express, Koa with
 * `ctx.req`/`ctx.res`, NestJS with `@Req()`/`@Res()`): `(req, res)` in, the answer written in
 * the protocol of each request (see `handleNotification` in @wxpay/core). Serves v2 and v3 notifications
 * alike on one route. Mount it where no body parser consumed the body, or where the raw bytes
 * were kept. The returned promise never rejects.
 */
export function createNodeNotificationHandler(
  client: NotificationClient,
  callback: NotificationCallback,
  options: NotificationHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const answer = await handleNotification(
      client,
      { headers: req.headers, body: bodyOf(req) as NotificationBody },
      callback,
      options,
    );
    if (res.headersSent) return;
    // An oversized upload was not read to its end: the connection cannot be reused.
    if (answer.status === 413) res.setHeader('connection', 'close');
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
}
