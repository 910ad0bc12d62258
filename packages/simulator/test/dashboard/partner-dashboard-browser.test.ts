import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/start-simulator.js';
import { createV3PartnerNativeOrder } from '../support/v3-order-requests.js';
import { type HeadlessChromium, launchChromium } from './support/launch-chromium.js';
import { openDashboard } from './support/open-dashboard.js';

// The dashboard in a real Chromium with two sub-merchants' orders of one number (numbers are
// per sub-merchant, docs/protocol/partner.md): each card is labelled with its sub-merchant, and
// its buttons act on that sub-merchant's order only.

let sim: Simulator;
let chromium: HeadlessChromium;
let page: Page;
// Generous: on a loaded 2-core machine Chromium and the SSE round trip can take seconds.
const WAIT = { timeout: 30_000 };

beforeAll(async () => {
  [sim, chromium] = await Promise.all([startSimulator(), launchChromium()]);
  page = await openDashboard(chromium, sim, WAIT.timeout);
}, 30_000);

afterAll(async () => {
  await chromium?.close();
  await sim?.stop();
});

const createPartnerNative = (outTradeNo: string, subMchId: string, total: number) =>
  createV3PartnerNativeOrder(sim, subMchId, {
    outTradeNo,
    total,
    description: 'partner dashboard test',
  });

const card = (outTradeNo: string, subMchId: string): Locator =>
  page.locator(`article[data-order="${outTradeNo}"][data-sub="${subMchId}"]`);
const stateOf = (c: Locator) => c.locator('.card-head [data-state]');

describe('the dashboard with partner orders in Chromium', { timeout: 120_000 }, () => {
  it("labels each sub-merchant's order of one number and acts on the one clicked", async () => {
    const [a, b] = sim.subMerchants.list().map((s) => s.subMchId);
    if (!a || !b) throw new Error('the simulator binds two sub-merchants by default');
    const outTradeNo = `PD${Date.now()}`;
    await createPartnerNative(outTradeNo, a, 100);
    await createPartnerNative(outTradeNo, b, 200);
    const [cardA, cardB] = [card(outTradeNo, a), card(outTradeNo, b)];
    await cardA.waitFor(WAIT);
    await cardB.waitFor(WAIT);
    expect(await cardA.locator('[data-sub-merchant]').textContent()).toContain(a);
    expect(await cardB.locator('[data-sub-merchant]').textContent()).toContain(b);

    await cardB.locator(`select[id$="-bank"]`).selectOption('CMB_DEBIT');
    await cardB.locator('button[data-action="pay"]').click();
    await expect.poll(() => stateOf(cardB).textContent(), WAIT).toBe('SUCCESS');
    expect(await stateOf(cardA).textContent()).toBe('NOTPAY');
    expect(sim.getOrder(outTradeNo, { subMchId: b })).toMatchObject({
      state: 'SUCCESS',
      bankType: 'CMB_DEBIT',
    });

    await cardA.locator('button[data-action="expire"]').click();
    await expect.poll(() => stateOf(cardA).textContent(), WAIT).toBe('CLOSED');
    expect(sim.getOrder(outTradeNo, { subMchId: b })?.state).toBe('SUCCESS');
  });
});
