import { SignatureVerificationError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../src/index.js';

// Anyone can POST a notification naming a made-up certificate serial. Each unknown serial may
// trigger a (rate-limited) certificate refresh; forged notifications must not use up the
// refresh an API answer needs to pick up a certificate WeChat Pay has just rotated to.
let sim: Simulator;
let client: V3Client;

beforeAll(async () => {
  sim = await startSimulator({ trust: 'certificate' });
  client = createV3Client(sim.clientConfig('v3', { notifyUrl: 'http://127.0.0.1:9/notify' }));
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});

describe('certificate refresh budget', () => {
  it('a forged notification with an unknown serial does not block a rotated answer', async () => {
    const outTradeNo = `BUDGET${Date.now()}`;
    await client.createOrder({
      kind: 'native',
      outTradeNo,
      description: 'budget',
      amount: { total: 1 },
    });
    const now = String(Math.floor(Date.now() / 1000));
    const forged = client.parseNotification({
      headers: {
        'wechatpay-timestamp': now,
        'wechatpay-nonce': 'forgedforgedforgedforgedforged12',
        'wechatpay-signature': Buffer.alloc(256, 1).toString('base64'),
        'wechatpay-serial': '0123456789ABCDEF0123456789ABCDEF01234567',
      },
      body: '{"id":"EV-FORGED"}',
    });
    await expect(forged).rejects.toBeInstanceOf(SignatureVerificationError);
    // WeChat Pay rotates within the same minute, and the certificate the client knows is
    // retired (two rotations: the simulator lists only the newest two), so its next answer is
    // signed by a key the client has never seen and must fetch.
    await sim.rotatePlatformCertificate();
    await sim.rotatePlatformCertificate();
    await expect(client.queryOrder({ outTradeNo })).resolves.toMatchObject({ state: 'NOTPAY' });
  });
});
