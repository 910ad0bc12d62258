import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMigrationClient,
  createNodeNotificationHandler,
  type DivergenceReport,
  type MigrationMode,
  type Order,
  type PaymentClient,
  type PaymentNotification,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { describePaymentClientContract } from '@wxpay/simulator/contract';
import type { createV2Client } from '@wxpay/v2-xml';
import * as v2Adapter from '@wxpay/v2-xml';
import type { createV3Client } from '@wxpay/v3-json';
import * as v3Adapter from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClients } from './simulator-clients.js';

// The migration client lives in core, which cannot depend on the adapters; it is
// contract-tested here, where both adapters and the simulator are at hand.

// Nothing listens there: these tests pay silently, so the simulator never delivers to it.
const notifyUrl = 'http://127.0.0.1:9/notify';

// `withNotifyUrl` only for this file's own tests: the contract suite passes its receiver's URL
// on each order, and refund notifications follow the order's URL unless the client sets one.
const clients = (sim: Simulator, withNotifyUrl = false) =>
  simulatorClients(sim, withNotifyUrl ? { notifyUrl } : {});

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
    // The v2 side verifies HMAC-SHA256: v2 orders the suite creates itself are signed so.
    // Callbacks signed with either key at random (docs/protocol/live-behaviour.md).
    { v2SignType: 'HMAC-SHA256', simulator: { trust: 'migrating' } },
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

// docs/migration-v2-to-v3.md §4: during a migration both protocols' notifications may reach
// one endpoint served by one handler on the migration client. Each must be answered in its own
// protocol: a v2 notification with the XML acknowledgement, a v3 one with a 2xx/4xx/5xx status.
// The adapters' handler exports are checked too: the guide once recommended the v3 one.
const notifyHandlers = {
  '@wxpay/core': createNodeNotificationHandler,
  '@wxpay/v3-json alias': v3Adapter.createNodeNotificationHandler,
  '@wxpay/v2-xml alias': v2Adapter.createNodeNotificationHandler,
};

describe('migration: one notify endpoint, one handler, both protocols', () => {
  let sim: Simulator;
  let v2: ReturnType<typeof createV2Client>;
  let v3: ReturnType<typeof createV3Client>;
  let seq = 0;
  const no = (protocol: string) => `MIGN${protocol.toUpperCase()}${Date.now()}${seq++}`;

  beforeAll(async () => {
    sim = await startSimulator();
    ({ v2, v3 } = clients(sim));
  });
  afterAll(async () => {
    await Promise.all([v2.close(), v3.close()]);
    await sim.stop();
  });

  async function serve(
    makeHandler: (typeof notifyHandlers)[keyof typeof notifyHandlers],
    client: PaymentClient,
    failFirst: Set<string>,
  ) {
    const calls = new Map<string, PaymentNotification[]>();
    const handler = makeHandler(client, (n) => {
      const key =
        n.type === 'payment'
          ? n.order.outTradeNo
          : n.type === 'refund'
            ? n.refund.outRefundNo
            : n.id;
      calls.set(key, [...(calls.get(key) ?? []), n]);
      if (failFirst.delete(key)) throw new Error('database unavailable');
    });
    const server = createServer((req, res) => void handler(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wxpay/notify`;
    const close = async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    };
    return { url, calls, close };
  }

  async function payBoth(url: string) {
    const orders = { v2: no('v2'), v3: no('v3') };
    // An order created before the switch (v2) and one after (v3), both notifying one URL.
    await v2.createOrder({ ...order(orders.v2), notifyUrl: url });
    await v3.createOrder({ ...order(orders.v3), notifyUrl: url });
    sim.pay(orders.v2);
    sim.pay(orders.v3);
    return orders;
  }

  function order(outTradeNo: string) {
    return {
      kind: 'native',
      outTradeNo,
      description: 'migration notify',
      amount: { total: 88 },
      clientIp: '127.0.0.1',
    } as const;
  }

  for (const [handlerName, makeHandler] of Object.entries(notifyHandlers)) {
    for (const { mode, primary } of modes) {
      const label = `${handlerName}, ${mode}${primary ? ` (primary ${primary})` : ''}`;
      const migration = () =>
        createMigrationClient({ v2, v3, mode, ...(primary ? { primary } : {}) });

      it(`${label}: a v2 and a v3 payment notification are each acknowledged on the first attempt, callback once`, async () => {
        const endpoint = await serve(makeHandler, migration(), new Set());
        try {
          const orders = await payBoth(endpoint.url);
          for (const protocol of ['v2', 'v3'] as const) {
            const outTradeNo = orders[protocol];
            await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
          }
          // Give an unacknowledged first attempt time to be redelivered before counting.
          await sim.notifications.idle();
          for (const protocol of ['v2', 'v3'] as const) {
            const attempts = sim.notifications.forOrder(orders[protocol]);
            expect(
              attempts.map((a) => [a.protocol, a.attempt, a.acknowledged, a.status]),
              `${protocol} deliveries`,
            ).toEqual([[protocol, 1, true, protocol === 'v2' ? 200 : 204]]);
            expect(
              endpoint.calls.get(orders[protocol]) ?? [],
              `${protocol} callbacks`,
            ).toHaveLength(1);
          }
        } finally {
          await endpoint.close();
        }
      });

      it(`${label}: a throwing callback on each protocol gets a failure answer and a redelivery`, async () => {
        const failFirst = new Set<string>();
        const endpoint = await serve(makeHandler, migration(), failFirst);
        try {
          const orders = await payBoth(endpoint.url);
          failFirst.add(orders.v2).add(orders.v3);
          for (const protocol of ['v2', 'v3'] as const) {
            const outTradeNo = orders[protocol];
            await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo && a.acknowledged);
            const [first, second, ...rest] = sim.notifications.forOrder(outTradeNo);
            expect(rest, `${protocol}: acknowledged on the redelivery`).toEqual([]);
            expect(first?.acknowledged, `${protocol}: first attempt refused`).toBe(false);
            if (protocol === 'v2') {
              expect(first?.status).toBe(200);
              expect(first?.responseBody).toContain('FAIL');
            } else {
              expect(first?.status).toBeGreaterThanOrEqual(500);
            }
            expect(second?.attempt).toBe(2);
            expect(second?.id).toBe(first?.id);
            const calls = endpoint.calls.get(outTradeNo) ?? [];
            expect(calls, `${protocol}: the callback ran once per delivery`).toHaveLength(2);
            expect(calls[0]?.id).toBe(calls[1]?.id);
          }
        } finally {
          await endpoint.close();
        }
      });
    }
  }
});
