import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { describeExample, listen } from '../test-support/harness.js';
import { createHonoApp } from './create-hono-app.js';

// `serve({ fetch: app.fetch, port })` in an application; the unstarted server here lets the
// harness pick port 0 on 127.0.0.1.
describeExample('Hono', async ({ clients, onNotification, options }) =>
  listen(
    createAdaptorServer({ fetch: createHonoApp(clients, onNotification, options).fetch }) as Server,
  ),
);
