import { ValidationError } from '@wxpay/core';
import {
  firstSubMerchant,
  PARTNER_EXAMPLE_ORDER,
  startSimulatorClient,
} from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV2Client } from '../../src/index.js';

const { sim, client: provider, stop } = await startSimulatorClient('v2', createV2Client);
afterAll(stop);

describe('forSubMerchant (v2)', () => {
  it('runs the README partner example against the simulator', async () => {
    const shop = firstSubMerchant(sim);
    const client = provider.forSubMerchant(shop);
    await client.createOrder({
      ...PARTNER_EXAMPLE_ORDER,
      clientIp: '127.0.0.1',
      limitPay: 'no_credit',
      supportFapiao: true,
    });
    sim.pay('PARTNER_0001', { silent: true });
    const order = await client.queryOrder({ outTradeNo: 'PARTNER_0001' });
    expect(order).toMatchObject({
      subMchId: shop.subMchId,
      raw: { mch_id: sim.merchant.mchId, sub_mch_id: shop.subMchId },
    });
  });

  it('refuses a malformed sub-merchant with a ValidationError naming the field', () => {
    expect(() => provider.forSubMerchant({ subMchId: 'not-digits' })).toThrow(ValidationError);
  });

  it('a sub-merchant client cannot set the signature envelope through wire fields', async () => {
    const client = provider.forSubMerchant({ subMchId: firstSubMerchant(sim).subMchId });
    const before = sim.requests.length;
    const error = await client
      .createOrder({
        kind: 'native',
        outTradeNo: 'PARTNER_0002',
        description: 'x',
        amount: { total: 1 },
        clientIp: '127.0.0.1',
        notifyUrl: 'http://127.0.0.1:8080/n',
        wire: { nonce_str: 'fixed' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['wire.nonce_str']);
    expect(sim.requests.length).toBe(before);
  });
});
