import { describeExample, listen } from '../test-support/harness.js';
import { createNotifyServer } from './create-notify-server.js';

describeExample('node:http', async ({ clients, onNotification, options }) =>
  listen(createNotifyServer(clients, onNotification, options)),
);
