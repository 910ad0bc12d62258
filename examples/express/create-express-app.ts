import { createNodeNotificationHandler } from '@wxpay/core';
import express, { type Express } from 'express';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
} from '../common/notify-clients.js';

/**
 * Express 5: Express's `req`/`res` are node's, so the core node handler mount as route
 * handlers. They must run before any body parser: `express.json()` would consume a v3 body (it
 * is `application/json`) and a re-serialized body never verifies. So the notify routes are
 * registered first and the parsers for the rest of the app after them.
 */
export function createExpressApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Express {
  const app = express();
  app.post(notifyPath('v2'), createNodeNotificationHandler(clients.v2, onNotification, options));
  app.post(notifyPath('v3'), createNodeNotificationHandler(clients.v3, onNotification, options));

  // The rest of the application, with its parsers, comes after the notify routes.
  app.use(express.json());
  app.post('/orders/echo', (req, res) => {
    res.json({ received: req.body as unknown });
  });
  return app;
}
