import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NotifyClients, NotifyOptions, OnNotification } from '../common/notify-clients.js';
import { WxpayNotifyModule } from './wxpay-notify.module.js';

/**
 * NestJS 12 on Express. `rawBody: true` keeps the exact bytes of every parsed body in
 * `req.rawBody` while the rest of the application still gets parsed JSON. Nest parses only
 * JSON and urlencoded bodies by default, so a text parser for XML is added: it is what makes
 * v2 (`text/xml`) bodies land in `req.rawBody` as well.
 */
export async function createNestApp(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    WxpayNotifyModule.forRoot({ clients, onNotification, ...options }),
    { rawBody: true, logger: false },
  );
  app.useBodyParser('text', { type: ['text/xml', 'application/xml'] });
  return app;
}
