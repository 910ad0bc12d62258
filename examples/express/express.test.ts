import { createServer } from 'node:http';
import { it } from 'vitest';
import {
  describeExample,
  expectJsonEchoed,
  listen,
  UNUSED_CLIENTS,
} from '../test-support/harness.js';
import { createExpressApp } from './create-express-app.js';

describeExample('Express', async ({ clients, onNotification, options }) =>
  listen(createServer(createExpressApp(clients, onNotification, options))),
);

it('Express: the JSON parser mounted after the notify routes still serves the rest of the app', async () => {
  const server = await listen(createServer(createExpressApp(UNUSED_CLIENTS, () => undefined)));
  try {
    await expectJsonEchoed(server.baseUrl);
  } finally {
    await server.close();
  }
});
