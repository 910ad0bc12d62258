import { ConnectionError, type LogEvent } from '@wxpay/core';
import {
  placePaidOrder,
  rejectionOf,
  startSimulatorClient,
  withDeadPrimary,
} from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV2Client, type V2Client } from '../src/index.js';

// `/pay/downloadbill` is an idempotent read: when the primary access point cannot be reached it
// is sent once more to the backup domain (ADR 0010). A dead primary and the simulator as backup.
const { sim, client, config, stop } = await startSimulatorClient('v2', createV2Client, () => ({
  notifyUrl: 'http://127.0.0.1:9/notify',
  retry: { maxAttempts: 1 },
}));
afterAll(stop);

const paidNo = await placePaidOrder(sim, client, `BILLFO2${Date.now()}`, 456);
const billDate = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

/** The merchant order numbers a bill lists, read the way each download method gives them. */
const readers = {
  downloadBill: async (c: V2Client) => (await c.downloadBill({ billDate })).rows.map((r) => r[6]),
  streamBill: async (c: V2Client) => {
    const numbers: (string | undefined)[] = [];
    for await (const line of await c.streamBill({ billDate, gzip: true })) {
      if (line.section === 'row') numbers.push(line.cells[6]);
    }
    return numbers;
  },
} as const;

describe('v2 bill downloads on the backup domain', () => {
  it.each(Object.keys(readers) as (keyof typeof readers)[])(
    '%s: downloads from the backup when the primary cannot be reached, and logs it',
    async (method) => {
      const events: LogEvent[] = [];
      await withDeadPrimary(
        sim.url,
        (origins) => createV2Client(config({ ...origins, logger: (e) => events.push(e) })),
        async (failover, dead) => {
          expect(await readers[method](failover)).toContain(paidNo);
          expect(dead.hits()).toBeGreaterThanOrEqual(1);
          const warned = events.filter(
            (e) => e.level === 'warn' && /backup domain/.test(e.message),
          );
          expect(warned).toHaveLength(1);
          expect(warned[0]).toMatchObject({ method: 'POST', path: '/pay/downloadbill' });
        },
      );
    },
  );

  it.each([
    { backupBaseUrl: undefined, case: 'a custom baseUrl without backupBaseUrl' },
    { backupBaseUrl: false, case: 'backupBaseUrl: false' },
  ] as const)('does not fail over for $case', async ({ backupBaseUrl }) => {
    const before = sim.requests.length;
    await withDeadPrimary(
      sim.url,
      ({ baseUrl }) =>
        createV2Client(config({ baseUrl, ...(backupBaseUrl === false ? { backupBaseUrl } : {}) })),
      async (plain, dead) => {
        const error = await rejectionOf(readers.downloadBill(plain));
        expect(ConnectionError.isInstance(error), String(error)).toBe(true);
        expect(dead.hits()).toBeGreaterThanOrEqual(1);
        expect(sim.requests.length).toBe(before);
      },
    );
  });
});
