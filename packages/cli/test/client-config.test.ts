import { startSimulator } from '@wxpay/simulator';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';
import { describe, expect, it } from 'vitest';

// sim.clientConfig is the simulator's; these tests live here, where both adapters are at hand
// (the simulator never imports an adapter, not even in its tests).
const notifyUrl = 'http://127.0.0.1:9/notify';

async function createAndPay(
  client: ReturnType<typeof createV2Client> | ReturnType<typeof createV3Client>,
  sim: Awaited<ReturnType<typeof startSimulator>>,
  outTradeNo: string,
) {
  await client.createOrder({
    kind: 'native',
    outTradeNo,
    description: 'clientConfig',
    amount: { total: 100 },
    clientIp: '127.0.0.1',
  });
  sim.pay(outTradeNo, { silent: true });
  return client.queryOrder({ outTradeNo });
}

describe('sim.clientConfig', () => {
  for (const trust of ['both', 'certificate', 'public-key'] as const) {
    it(`gives configs both factories accept and that work as they are (trust: ${trust})`, async () => {
      const sim = await startSimulator({ trust });
      const v2 = createV2Client(sim.clientConfig('v2', { notifyUrl }));
      const v3 = createV3Client(sim.clientConfig('v3', { notifyUrl }));
      try {
        expect((await createAndPay(v2, sim, `CC2${trust}${Date.now()}`)).state).toBe('SUCCESS');
        expect((await createAndPay(v3, sim, `CC3${trust}${Date.now()}`)).state).toBe('SUCCESS');
        expect('wechatpayPublicKey' in sim.clientConfig('v3')).toBe(trust === 'public-key');
      } finally {
        await Promise.all([v2.close(), v3.close(), sim.stop()]);
      }
    });
  }

  it('over HTTPS: trusts the simulator CA, and v2 refunds go over mutual TLS', async () => {
    const sim = await startSimulator({ tls: true });
    const v2 = createV2Client(sim.clientConfig('v2', { notifyUrl }));
    const v3 = createV3Client(sim.clientConfig('v3', { notifyUrl }));
    try {
      const no = `CCTLS${Date.now()}`;
      await createAndPay(v2, sim, no);
      const refund = await v2.refund({
        order: { outTradeNo: no },
        outRefundNo: `${no}R`,
        amount: { refund: 10, total: 100 },
      });
      expect(refund.outRefundNo).toBe(`${no}R`);
      expect((await createAndPay(v3, sim, `${no}V3`)).state).toBe('SUCCESS');
    } finally {
      await Promise.all([v2.close(), v3.close(), sim.stop()]);
    }
  });

  it('merges overrides shallowly; an override set to undefined removes the key', async () => {
    const sim = await startSimulator({ trust: 'public-key' });
    try {
      const config = sim.clientConfig('v3', { notifyUrl, timeoutMs: 1234 });
      expect(config).toMatchObject({ notifyUrl, timeoutMs: 1234, baseUrl: sim.url });
      expect(
        'wechatpayPublicKey' in sim.clientConfig('v3', { wechatpayPublicKey: undefined }),
      ).toBe(false);
      expect(sim.clientConfig('v2', { signType: 'HMAC-SHA256' as const })).toMatchObject({
        apiKey: sim.merchant.apiKey,
        signType: 'HMAC-SHA256',
      });
    } finally {
      await sim.stop();
    }
  });
});
