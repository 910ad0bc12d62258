import { describeExample, listen } from '../test-support/harness.js';
import { createNotifyServer } from './create-notify-server.js';

describeExample('node:http', async ({ clients, onNotification }) =>
  listen(createNotifyServer(clients, onNotification)),
);
