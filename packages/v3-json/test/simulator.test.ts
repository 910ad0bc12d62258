import {
  ConnectionError,
  SignatureProbeError,
  SignatureVerificationError,
  SystemError,
  WxPayError,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../src/index.js';

// Against the project's independent simulator (not our own test server): the same protocol
// facts implemented twice must agree.
let sim: Simulator;
let client: V3Client;
let seq = 0;
const nextNo = () => `SIMV3${Date.now()}${seq++}`;

beforeAll(async () => {
  sim = await startSimulator({ trust: 'certificate' });
  client = createV3Client(
    sim.clientConfig('v3', {
      notifyUrl: 'http://127.0.0.1:9/notify', // nothing listens: deliveries fail on this machine
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    }),
  );
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});
beforeEach(() => sim.faults.clear());

async function paidOrder(total = 300): Promise<string> {
  const outTradeNo = nextNo();
  await client.createOrder({ kind: 'native', outTradeNo, description: 'sim', amount: { total } });
  sim.pay(outTradeNo, { silent: true });
  return outTradeNo;
}

describe('v3-json against @wxpay/simulator', () => {
  it('downloads the trade and fund-flow bills (plain and gzip) with a matching SHA-1', async () => {
    await paidOrder();
    const today = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (const gzip of [false, true]) {
      const bill = await client.downloadTradeBill({ billDate: today, gzip });
      const csv = Buffer.concat(await bill.stream.toArray()).toString('utf8');
      expect(csv.length).toBeGreaterThan(0);
      expect(bill.hashValue).toMatch(/^[0-9a-f]{40}$/);
      const fund = await client.downloadFundFlowBill({ billDate: today, gzip });
      expect((await fund.stream.toArray()).length).toBeGreaterThan(0);
    }
  });

  it('picks up a rotated platform certificate', async () => {
    const before = await client.refreshCertificates();
    const serial = await sim.rotatePlatformCertificate();
    const after = await client.refreshCertificates();
    expect(after.map((c) => c.serial)).toContain(serial);
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    const { serial: used } = await client.encryptSensitive('张三');
    expect(after.map((c) => c.serial)).toContain(used);
    const outTradeNo = await paidOrder();
    await expect(client.queryOrder({ outTradeNo })).resolves.toMatchObject({ state: 'SUCCESS' });
  });

  it('faults: 500 is retried, bad and probe signatures are refused, resets are connection errors', async () => {
    const outTradeNo = await paidOrder();
    const path = '/v3/pay/transactions/out-trade-no/';
    sim.faults.push({ kind: 'status', status: 500, path, protocol: 'v3' });
    await expect(client.queryOrder({ outTradeNo })).resolves.toMatchObject({ state: 'SUCCESS' });
    sim.faults.push({ kind: 'status', status: 500, path, protocol: 'v3', times: 5 });
    await expect(client.queryOrder({ outTradeNo })).rejects.toThrow(SystemError);
    sim.faults.clear();
    sim.faults.push({ kind: 'bad-signature', path, protocol: 'v3' });
    const bad = await client.queryOrder({ outTradeNo }).catch((e: unknown) => e);
    expect(SignatureVerificationError.isInstance(bad) && !SignatureProbeError.isInstance(bad)).toBe(
      true,
    );
    sim.faults.push({ kind: 'probe-signature', path, protocol: 'v3' });
    await expect(client.queryOrder({ outTradeNo })).rejects.toThrow(SignatureProbeError);
    sim.faults.push({ kind: 'reset', path, protocol: 'v3', times: 3 });
    await expect(client.queryOrder({ outTradeNo })).rejects.toThrow(ConnectionError);
    sim.faults.push({ kind: 'truncate', path, protocol: 'v3', times: 3 });
    const truncated = await client.queryOrder({ outTradeNo }).catch((e: unknown) => e);
    expect(WxPayError.isInstance(truncated)).toBe(true);
  });
});
