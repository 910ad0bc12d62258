import { ConnectionError, type LogEvent } from '@wxpay/core';
import {
  placePaidOrder,
  rejectionOf,
  startSimulatorClient,
  unusedLocalUrl,
  withDeadPrimary,
} from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../src/index.js';

// Bill downloads fail over to the backup domain like every idempotent call (ADR 0010): the
// application is signed again for the backup, and a download_url naming the unreachable primary
// is fetched from the backup instead. Two local servers: a dead primary and the simulator.
const { sim, client, config, stop } = await startSimulatorClient('v3', createV3Client, (s) => ({
  retry: { maxAttempts: 1 },
  wechatpayPublicKey: s.merchant.wechatpayPublicKey,
  notifyUrl: 'http://127.0.0.1:9/notify',
}));
afterAll(stop);

const paidNo = await placePaidOrder(sim, client, `BILLFO3${Date.now()}`, 321);
const billDate = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);

const bills = {
  tradebill: (c: V3Client) => c.downloadTradeBill({ billDate }),
  fundflowbill: (c: V3Client) => c.downloadFundFlowBill({ billDate }),
} as const;

/** Has the simulator's next answer to `/v3/bill/<kind>` name `origin` in its download_url. */
function serveDownloadFrom(kind: keyof typeof bills, origin: string): void {
  sim.faults.push({
    kind: 'rewrite',
    path: `/v3/bill/${kind}`,
    rewrite: (answer) => ({
      ...answer,
      download_url: String(answer.download_url).replace(sim.url, origin),
    }),
  });
}

const failoverEvents = (events: readonly LogEvent[]) =>
  events.filter((e) => e.level === 'warn' && /backup domain/.test(e.message));

describe('v3 bill downloads on the backup domain', () => {
  it.each([
    // WeChat Pay names its main domain in download_url whichever access point answered.
    { kind: 'tradebill', downloadOn: 'primary', failovers: 2 },
    { kind: 'fundflowbill', downloadOn: 'primary', failovers: 2 },
    // The backup answered with its own host: only the application failed over.
    { kind: 'tradebill', downloadOn: 'backup', failovers: 1 },
  ] as const)(
    '$kind: applies on the backup, download_url on the $downloadOn',
    async ({ kind, downloadOn, failovers }) => {
      const events: LogEvent[] = [];
      await withDeadPrimary(
        sim.url,
        (origins) => createV3Client(config({ ...origins, logger: (e) => events.push(e) })),
        async (failover, dead) => {
          if (downloadOn === 'primary') serveDownloadFrom(kind, dead.url);
          const bill = await bills[kind](failover);
          const csv = Buffer.concat(await bill.stream.toArray()).toString('utf8');
          expect(csv).toContain(kind === 'tradebill' ? paidNo : '3.21');
          expect(dead.hits()).toBeGreaterThanOrEqual(failovers);
          const warned = failoverEvents(events);
          expect(warned).toHaveLength(failovers);
          expect(warned.every((e) => e.message.includes(new URL(sim.url).host))).toBe(true);
        },
      );
    },
  );

  it('moves only a download_url on the primary API origin: an allow-listed bill host that is down stays down', async () => {
    // Nothing listens there: a refused connection, which the backup would have served.
    const billHost = await unusedLocalUrl();
    const events: LogEvent[] = [];
    await withDeadPrimary(
      sim.url,
      (origins) =>
        createV3Client(
          config({ ...origins, billDownloadHosts: [billHost], logger: (e) => events.push(e) }),
        ),
      async (failover) => {
        serveDownloadFrom('tradebill', billHost);
        const error = await rejectionOf(bills.tradebill(failover));
        expect(ConnectionError.isInstance(error), String(error)).toBe(true);
        expect(failoverEvents(events)).toHaveLength(1);
      },
    );
  });

  it('does not fail over for a custom baseUrl without backupBaseUrl', async () => {
    const before = sim.requests.length;
    await withDeadPrimary(
      sim.url,
      ({ baseUrl }) => createV3Client(config({ baseUrl })),
      async (plain, dead) => {
        const error = await rejectionOf(bills.tradebill(plain));
        expect(ConnectionError.isInstance(error), String(error)).toBe(true);
        expect(dead.hits()).toBeGreaterThanOrEqual(1);
        expect(sim.requests.length).toBe(before);
      },
    );
  });
});
