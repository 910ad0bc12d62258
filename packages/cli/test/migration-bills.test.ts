import { createMigrationClient, type MigrationMode, ValidationError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { placePaidOrder, thrownBy } from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClients } from './simulator-clients.js';

// The migration client downloads bills through one protocol, its `billClient`
// (docs/migration-v2-to-v3.md §5). Core cannot depend on the adapters: tested here.
let sim: Simulator;
let clients: ReturnType<typeof simulatorClients>;

beforeAll(async () => {
  sim = await startSimulator();
  clients = simulatorClients(sim, { notifyUrl: 'http://127.0.0.1:9/notify' });
});
afterAll(async () => {
  await Promise.all([clients.v2.close(), clients.v3.close()]);
  await sim.stop();
});

describe('migration client bills', () => {
  it.each<{ mode: MigrationMode; primary?: 'v2' | 'v3'; expected: 'v2' | 'v3' }>([
    { mode: 'v2', expected: 'v2' },
    { mode: 'v3', expected: 'v3' },
    { mode: 'v3-with-v2-fallback', expected: 'v3' },
    { mode: 'shadow', expected: 'v2' },
    { mode: 'shadow', primary: 'v3', expected: 'v3' },
  ])(
    'by default come from the protocol serving the calls: $mode $primary → $expected',
    ({ mode, primary, expected }) => {
      const client = createMigrationClient({ ...clients, mode, ...(primary ? { primary } : {}) });
      expect(client.bills).toBe(expected);
      expect(client.billClient).toBe(clients[expected]);
    },
  );

  it('come from the protocol named by `bills`, which lists the orders of both protocols', async () => {
    const beforeSwitch = await placePaidOrder(sim, clients.v2, `MBV2${Date.now()}`, 301);
    const afterSwitch = await placePaidOrder(sim, clients.v3, `MBV3${Date.now()}`, 302);
    const billDate = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const migration = (bills: 'v2' | 'v3') =>
      createMigrationClient({ ...clients, mode: 'v3-with-v2-fallback', bills });

    const v2Bills = migration('v2').billClient;
    if (v2Bills.protocol !== 'v2') throw new Error('bills: v2 gave a v3 client');
    const v2Rows = (await v2Bills.downloadBill({ billDate: billDate.replaceAll('-', '') })).rows;
    expect(v2Rows.map((row) => row[6])).toEqual(
      expect.arrayContaining([beforeSwitch, afterSwitch]),
    );

    const v3Bills = migration('v3').billClient;
    if (v3Bills.protocol !== 'v3') throw new Error('bills: v3 gave a v2 client');
    const download = await v3Bills.downloadTradeBill({ billDate });
    const csv = Buffer.concat(await download.stream.toArray()).toString('utf8');
    expect(csv).toContain(beforeSwitch);
    expect(csv).toContain(afterSwitch);
  });

  it('refuses a `bills` that is neither v2 nor v3, naming the option', () => {
    const error = thrownBy(ValidationError, () =>
      createMigrationClient({ ...clients, mode: 'v3', bills: 'v4' as unknown as 'v3' }),
    );
    expect(error.issues).toEqual([{ path: 'bills', message: "expected 'v2' or 'v3'" }]);
  });
});
