import { ValidationError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../../src/index.js';

let sim: Simulator;
let provider: V3Client;

beforeAll(async () => {
  sim = await startSimulator();
  const { mchId, appId, privateKey, certificateSerial, apiV3Key, wechatpayPublicKey } =
    sim.merchant;
  provider = createV3Client({
    mchId,
    appId,
    privateKey,
    certificateSerial,
    apiV3Key,
    wechatpayPublicKey,
    baseUrl: sim.url,
  });
});
afterAll(async () => {
  await provider.close();
  await sim.stop();
});

describe('forSubMerchant (v3)', () => {
  it('runs the README partner example against the simulator', async () => {
    const [shop] = sim.subMerchants.list();
    if (!shop) throw new Error('the simulator binds two sub-merchants by default');
    const client = provider.forSubMerchant(shop);
    await client.createOrder({
      kind: 'native',
      outTradeNo: 'PARTNER_0001',
      description: 'Sub-merchant order',
      amount: { total: 100 },
      notifyUrl: 'http://127.0.0.1:8080/wxpay/notify',
      goodsDetail: {
        costPrice: 100,
        goods: [{ merchantGoodsId: 'SKU1', quantity: 1, unitPrice: 100 }],
      },
      profitSharing: true,
    });
    sim.pay('PARTNER_0001', { silent: true });
    const order = await client.queryOrder({ outTradeNo: 'PARTNER_0001' });
    expect(order.subMchId).toBe(shop.subMchId);
    expect(order.raw).toMatchObject({ sp_mchid: sim.merchant.mchId, sub_mchid: shop.subMchId });
  });

  it('refuses a malformed sub-merchant with a ValidationError naming the field', () => {
    expect(() => provider.forSubMerchant({ subMchId: 'not-digits' })).toThrow(ValidationError);
    let caught: unknown;
    try {
      provider.forSubMerchant({ subMchId: '123', subAppId: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues.map((i) => i.path)).toEqual(['subAppId']);
  });

  it('shares the provider pool: once the provider is closed its sub-merchant clients are too', async () => {
    const { mchId, appId, privateKey, certificateSerial, apiV3Key, wechatpayPublicKey } =
      sim.merchant;
    const own = createV3Client({
      mchId,
      appId,
      privateKey,
      certificateSerial,
      apiV3Key,
      wechatpayPublicKey,
      baseUrl: sim.url,
    });
    const [shop] = sim.subMerchants.list();
    const client = own.forSubMerchant({ subMchId: shop?.subMchId ?? '' });
    await expect(client.queryOrder({ outTradeNo: 'NOSUCH0001' })).rejects.toThrow(
      /ORDER_NOT_EXIST/,
    );
    await own.close();
    const error = await client.queryOrder({ outTradeNo: 'NOSUCH0001' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toMatch(/ORDER_NOT_EXIST/);
  });
});
