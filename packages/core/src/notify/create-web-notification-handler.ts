import {
  handleNotification,
  type NotificationCallback,
  type NotificationClient,
  type NotificationHandlerOptions,
} from './handle-notification.js';

/**
 * A notification handler for the Web Fetch API (Next.js route handlers, Hono `c.req.raw`, Bun,
 * Deno, Workers): `export const POST = createWebNotificationHandler(client, callback)`. Reads
 * the untouched `Request` body itself; do not call `request.json()`/`text()` first. Same
 * answers as {@link createNodeNotificationHandler}; the promise never rejects.
 */
export function createWebNotificationHandler(
  client: NotificationClient,
  callback: NotificationCallback,
  options: NotificationHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const answer = await handleNotification(
      client,
      { headers: request.headers, body: request.body },
      callback,
      options,
    );
    return new Response(answer.body === '' ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}
