import { it } from 'vitest';
import { describeExample, expectJsonEchoed, UNUSED_CLIENTS } from '../test-support/harness.js';
import { createFastifyApp } from './create-fastify-app.js';

describeExample('Fastify', async ({ clients, onNotification, options }) => {
  const app = createFastifyApp(clients, onNotification, options);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl, close: () => app.close() };
});

it('Fastify: the raw-body parser is scoped to the notify routes; JSON is still parsed elsewhere', async () => {
  const app = createFastifyApp(UNUSED_CLIENTS, () => undefined);
  try {
    await expectJsonEchoed(await app.listen({ port: 0, host: '127.0.0.1' }));
  } finally {
    await app.close();
  }
});
