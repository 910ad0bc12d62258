import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import Fastify, { type FastifyInstance } from 'fastify';
import { acknowledgeNotification } from '../common/acknowledge-notification.js';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
  PROTOCOLS,
} from '../common/notify-clients.js';

const adapters = { v2, v3 };

/** Notifications are 1-2 KB; refuse anything much larger before reading it all. */
const NOTIFY_BODY_LIMIT = 64 * 1024;

/**
 * Fastify 5. Fastify reads and parses every body before the route handler runs, so the notify
 * routes live in their own plugin scope whose only content-type parser keeps the body as the
 * raw Buffer (`parseAs: 'buffer'`, any content type). The route then verifies that Buffer with
 * `parseNotification` and answers with the adapter's `buildAcknowledgement`.
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
        const ack = await acknowledgeNotification(
          clients[protocol],
          adapters[protocol].buildAcknowledgement,
          onNotification,
          { headers: request.headers, body: Buffer.isBuffer(request.body) ? request.body : '' },
          options.onError,
        );
        return reply.code(ack.status).headers(ack.headers).send(ack.body);
      });
    }
  });

  // The rest of the application keeps Fastify's default JSON parser.
  app.post('/orders/echo', async (request) => ({ received: request.body }));
  return app;
}
