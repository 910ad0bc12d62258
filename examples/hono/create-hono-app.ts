import { createWebNotificationHandler } from '@wxpay/core';
import { Hono } from 'hono';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
} from '../common/notify-clients.js';

/**
 * Hono 4: `c.req.raw` is the Web `Request`, untouched as long as nothing called
 * `c.req.json()`/`text()`/a validator on it, so the core Web handler takes it directly and
 * their `Response` is returned as is. The same app runs on Node (`@hono/node-server`), Bun,
 * Deno and Workers.
 */
export function createHonoApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Hono {
  const notifyV2 = createWebNotificationHandler(clients.v2, onNotification, options);
  const notifyV3 = createWebNotificationHandler(clients.v3, onNotification, options);
  const app = new Hono();
  app.post(notifyPath('v2'), (c) => notifyV2(c.req.raw));
  app.post(notifyPath('v3'), (c) => notifyV3(c.req.raw));
  return app;
}
