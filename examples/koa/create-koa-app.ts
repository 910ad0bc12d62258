import { createNodeNotificationHandler } from '@wxpay/core';
import Koa from 'koa';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
} from '../common/notify-clients.js';

/**
 * Koa 3: hand `ctx.req`/`ctx.res` to the core node handler and set `ctx.respond = false`
 * so Koa leaves the response the handler wrote alone. Register this middleware before any
 * body parser (`koa-bodyparser`, `@koa/bodyparser`), which would consume the raw body.
 */
export function createKoaApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Koa {
  const routes = new Map([
    [notifyPath('v2'), createNodeNotificationHandler(clients.v2, onNotification, options)],
    [notifyPath('v3'), createNodeNotificationHandler(clients.v3, onNotification, options)],
  ]);
  const app = new Koa();
  app.use(async (ctx, next) => {
    const handler = ctx.method === 'POST' ? routes.get(ctx.path) : undefined;
    if (!handler) return next();
    ctx.respond = false;
    await handler(ctx.req, ctx.res);
  });
  return app;
}
