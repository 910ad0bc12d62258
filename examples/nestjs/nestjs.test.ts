import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeExample } from '../test-support/harness.js';
import { createNestApp } from './create-nest-app.js';

describeExample('NestJS', async ({ clients, onNotification, options }) => {
  const app = await createNestApp(clients, onNotification, options);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
});
