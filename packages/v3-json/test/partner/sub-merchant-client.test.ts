import { ValidationError } from '@wxpay/core';
import {
  firstSubMerchant,
  PARTNER_EXAMPLE_ORDER,
  startSimulatorClient,
  thrownBy,
} from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Client } from '../../src/index.js';

// The provider signs; WeChat Pay's answers are checked with its public key.
const {
  sim,
  client: provider,
  config,
  stop,
} = await startSimulatorClient('v3', createV3Client, (s) => ({
  wechatpayPublicKey: s.merchant.wechatpayPublicKey,
}));
afterAll(stop);

describe('forSubMerchant (v3)', () => {
  it('refuses a malformed sub-merchant with a ValidationError naming the field', () => {
    const malformed = [
      [{ subMchId: 'not-digits' }, 'subMchId'],
      [{ subMchId: '123', subAppId: '' }, 'subAppId'],
    ] as const;
    for (const [shop, field] of malformed) {
      const error = thrownBy(ValidationError, () => provider.forSubMerchant(shop));
      expect(error.issues.map((i) => i.path)).toEqual([field]);
    }
  });

  it('runs the README partner example against the simulator', async () => {
    const shop = firstSubMerchant(sim);
    const client = provider.forSubMerchant(shop);
    await client.createOrder({
      ...PARTNER_EXAMPLE_ORDER,
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

  it('shares the provider pool: once the provider is closed its sub-merchant clients are too', async () => {
    const own = createV3Client(config());
    const client = own.forSubMerchant({ subMchId: firstSubMerchant(sim).subMchId });
    await expect(client.queryOrder({ outTradeNo: 'NOSUCH0001' })).rejects.toThrow(
      /ORDER_NOT_EXIST/,
    );
    await own.close();
    const error = await client.queryOrder({ outTradeNo: 'NOSUCH0001' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toMatch(/ORDER_NOT_EXIST/);
  });
});
