import { handleNotification } from '@wxpay/core';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
  PROTOCOLS,
} from '../common/notify-clients.js';

/** Notifications are 1-2 KB; refuse anything much larger before reading it all. */
const NOTIFY_BODY_LIMIT = 64 * 1024;

/**
 * Fastify 5. Fastify reads and parses every body before the route handler runs, so the notify
 * routes live in their own plugin scope whose only content-type parser keeps the body as the
 * raw Buffer (`parseAs: 'buffer'`, any content type). The route hands that Buffer to the core
 * `handleNotification` and sends the answer it returns (status, headers, body) as is.
 *
 * Why not `reply.hijack()` with the node handler: that needs the request stream still unread
 * (a no-op parser, relying on Fastify not touching the stream), and a hijacked reply skips
 * Fastify's hooks, logging and error handling. With the Buffer, Fastify keeps owning the
 * request and the reply (body limit, timeouts, `onResponse` logging), and the scoped parser
 * leaves the rest of the application's JSON parsing untouched.
 */
export function createFastifyApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): FastifyInstance {
  const app = Fastify();
  app.register(async (notify) => {
    notify.removeAllContentTypeParsers();
    notify.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: NOTIFY_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    for (const protocol of PROTOCOLS) {
      notify.post(notifyPath(protocol), async (request, reply) => {
        const answer = await handleNotification(
          clients[protocol],
          { headers: request.headers, body: request.body as Buffer | undefined },
          onNotification,
          { ...options, maxBodyBytes: NOTIFY_BODY_LIMIT },
        );
        return reply.code(answer.status).headers(answer.headers).send(answer.body);
      });
    }
  });

  // The rest of the application keeps Fastify's default JSON parser.
  app.post('/orders/echo', async (request) => ({ received: request.body }));
  return app;
}
