import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { describeExample, listen } from '../test-support/harness.js';
import { createExpressApp } from './create-express-app.js';

describeExample('Express', async ({ clients, onNotification, options }) =>
  listen(createServer(createExpressApp(clients, onNotification, options))),
);

it('Express: the JSON parser mounted after the notify routes still serves the rest of the app', async () => {
  const app = createExpressApp(
    {
      v2: { parseNotification: () => Promise.reject(new Error('unused')) },
      v3: { parseNotification: () => Promise.reject(new Error('unused')) },
    },
    () => undefined,
  );
  const server = await listen(createServer(app));
  try {
    const response = await fetch(`${server.baseUrl}/orders/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outTradeNo: 'A1' }),
    });
    expect(await response.json()).toEqual({ received: { outTradeNo: 'A1' } });
  } finally {
    await server.close();
  }
});
