import {
  createMigrationClient,
  type DivergenceReport,
  type MigrationMode,
  type Order,
  type PaymentClient,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { describePaymentClientContract } from '@wxpay/simulator/contract';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The migration client lives in core, which cannot depend on the adapters; it is
// contract-tested here, where both adapters and the simulator are at hand.

const fastRetry = { baseDelayMs: 20, maxDelayMs: 100 };
// Nothing listens there: these tests pay silently, so the simulator never delivers to it.
const notifyUrl = 'http://127.0.0.1:9/notify';

// `withNotifyUrl` only for this file's own tests: the contract suite passes its receiver's URL
// on each order, and refund notifications follow the order's URL unless the client sets one.
function clients(sim: Simulator, withNotifyUrl = false) {
  const notify = withNotifyUrl ? { notifyUrl } : {};
  const m = sim.merchant;
  const v2 = createV2Client({
    appId: m.appId,
    mchId: m.mchId,
    apiKey: m.apiKey,
    signType: 'HMAC-SHA256',
    baseUrl: sim.url,
    retry: fastRetry,
    ...notify,
  });
  const v3 = createV3Client({
    mchId: m.mchId,
    appId: m.appId,
    privateKey: m.privateKey,
    certificateSerial: m.certificateSerial,
    apiV3Key: m.apiV3Key,
    wechatpayPublicKey: m.wechatpayPublicKey,
    // Both keys, as a merchant holds them while WeChat Pay migrates it to the public key.
    platformCertificates: 'auto',
    baseUrl: sim.url,
    retry: fastRetry,
    ...notify,
  });
  return { v2, v3 };
}

const modes: { mode: MigrationMode; primary?: 'v2' | 'v3' }[] = [
  { mode: 'v2' },
  { mode: 'v3' },
  { mode: 'v3-with-v2-fallback' },
  { mode: 'shadow', primary: 'v2' },
  { mode: 'shadow', primary: 'v3' },
];

for (const { mode, primary } of modes) {
  describePaymentClientContract(
    `migration client (${mode}${primary ? `, primary ${primary}` : ''})`,
    (sim) => {
      const { v2, v3 } = clients(sim);
      return createMigrationClient({ v2, v3, mode, ...(primary ? { primary } : {}) });
    },
    // Callbacks signed with either key at random (docs/protocol/live-behaviour.md).
    { simulator: { trust: 'migrating' } },
  );
}

describe('migration client on the simulator', () => {
  let sim: Simulator;
  let v2: ReturnType<typeof createV2Client>;
  let v3: ReturnType<typeof createV3Client>;
  const order = (outTradeNo: string) =>
    ({
      kind: 'jsapi',
      outTradeNo,
      description: 'migration',
      amount: { total: 520 },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      clientIp: '127.0.0.1',
    }) as const;

  beforeAll(async () => {
    sim = await startSimulator();
    ({ v2, v3 } = clients(sim, true));
  });
  afterAll(async () => {
    await Promise.all([v2.close(), v3.close()]);
    await sim.stop();
  });

  it('v3-with-v2-fallback creates through v3 and reads an order created earlier under v2', async () => {
    const client = createMigrationClient({ v2, v3, mode: 'v3-with-v2-fallback' });
    expect(client.protocol).toBe('v3');
    const legacy = `MIGV2${Date.now()}`;
    await v2.createOrder(order(legacy));
    sim.pay(legacy, { silent: true });
    const read = await client.queryOrder({ outTradeNo: legacy });
    expect(read).toMatchObject({ outTradeNo: legacy, state: 'SUCCESS', amount: { total: 520 } });
    const fresh = `MIGV3${Date.now()}`;
    const prepay = await client.createOrder(order(fresh));
    expect(prepay.kind === 'jsapi' && prepay.bridgeConfig.signType).toBe('RSA');
    expect(sim.getOrder(fresh)).toBeDefined();
  });

  it('shadow mode reports no divergence when both protocols agree', async () => {
    const reports: DivergenceReport[] = [];
    const client = createMigrationClient({
      v2,
      v3,
      mode: 'shadow',
      onDivergence: (r) => reports.push(r),
    });
    const no = `MIGSH${Date.now()}`;
    await client.createOrder(order(no));
    sim.pay(no, { silent: true, coupons: [{ type: 'CASH', amount: 20 }] });
    const result = await client.queryOrder({ outTradeNo: no });
    await client.settled();
    expect(result.state).toBe('SUCCESS');
    expect(reports).toEqual([]);
  });

  it('shadow mode reports a planted divergence without failing the call', async () => {
    // The planted disagreement: a v3 view whose attach differs, as a server-side bug would.
    const drifting: PaymentClient = {
      ...v3,
      protocol: 'v3',
      queryOrder: async (ref, options) => {
        const real: Order = await v3.queryOrder(ref, options);
        return { ...real, attach: `${real.attach ?? ''}-drift`, state: 'REFUND' };
      },
    };
    const reports: DivergenceReport[] = [];
    const client = createMigrationClient({
      v2,
      v3: drifting,
      mode: 'shadow',
      onDivergence: (r) => reports.push(r),
    });
    const no = `MIGDV${Date.now()}`;
    await v2.createOrder({ ...order(no), attach: 'tag' });
    sim.pay(no, { silent: true });
    const served = await client.queryOrder({ outTradeNo: no });
    await client.settled();
    expect(served).toMatchObject({ state: 'SUCCESS', attach: 'tag' });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      operation: 'queryOrder',
      primary: 'v2',
      ref: { outTradeNo: no },
    });
    expect(reports[0]!.divergences).toEqual(
      expect.arrayContaining([
        { field: 'state', primary: 'SUCCESS', secondary: 'REFUND' },
        { field: 'attach', primary: 'tag', secondary: 'tag-drift' },
      ]),
    );
  });

  it('shadow mode reports a failing shadow call as shadowError and still serves the primary', async () => {
    const reports: DivergenceReport[] = [];
    const client = createMigrationClient({
      v2,
      v3,
      mode: 'shadow',
      primary: 'v3',
      onDivergence: (r) => reports.push(r),
    });
    const no = `MIGSE${Date.now()}`;
    await v3.createOrder(order(no));
    sim.faults.push({ protocol: 'v2', kind: 'status', status: 500, times: 10 });
    const served = await client.queryOrder({ outTradeNo: no });
    await client.settled();
    sim.faults.clear();
    expect(served.state).toBe('NOTPAY');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.shadowError).toBeDefined();
  });

  it('refuses clients of the wrong protocol', () => {
    expect(() =>
      createMigrationClient({ v2: v3 as unknown as PaymentClient, v3, mode: 'v3' }),
    ).toThrow(/v2 client/);
  });
});
