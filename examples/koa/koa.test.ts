import { createServer } from 'node:http';
import { describeExample, listen } from '../test-support/harness.js';
import { createKoaApp } from './create-koa-app.js';

describeExample('Koa', async ({ clients, onNotification, options }) =>
  listen(createServer(createKoaApp(clients, onNotification, options).callback())),
);
