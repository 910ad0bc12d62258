import { expect, it } from 'vitest';
import { describeExample } from '../test-support/harness.js';
import { createFastifyApp } from './create-fastify-app.js';

describeExample('Fastify', async ({ clients, onNotification, options }) => {
  const app = createFastifyApp(clients, onNotification, options);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl, close: () => app.close() };
});

it('Fastify: the raw-body parser is scoped to the notify routes; JSON is still parsed elsewhere', async () => {
  const unused = { parseNotification: () => Promise.reject(new Error('unused')) };
  const app = createFastifyApp({ v2: unused, v3: unused }, () => undefined);
  try {
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${baseUrl}/orders/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outTradeNo: 'A1' }),
    });
    expect(await response.json()).toEqual({ received: { outTradeNo: 'A1' } });
  } finally {
    await app.close();
  }
});
