import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import { Hono } from 'hono';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
} from '../common/notify-clients.js';

/**
 * Hono 4: `c.req.raw` is the Web `Request`, untouched as long as nothing called
 * `c.req.json()`/`text()`/a validator on it, so the adapters' Web handlers take it directly and
 * their `Response` is returned as is. The same app runs on Node (`@hono/node-server`), Bun,
 * Deno and Workers.
 */
export function createHonoApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Hono {
  const notifyV2 = v2.createWebNotificationHandler(clients.v2, onNotification, options);
  const notifyV3 = v3.createWebNotificationHandler(clients.v3, onNotification, options);
  const app = new Hono();
  app.post(notifyPath('v2'), (c) => notifyV2(c.req.raw));
  app.post(notifyPath('v3'), (c) => notifyV3(c.req.raw));
  return app;
}
