import * as jsqr from 'jsqr';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../../src/contract/notification-receiver.js';
import { v2Request, v3Request } from '../../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../../src/start-simulator.js';
import { createV3NativeOrder, refundV3 } from '../support/v3-order-requests.js';
import { type HeadlessChromium, launchChromium } from './support/launch-chromium.js';
import { openDashboard } from './support/open-dashboard.js';

// The dashboard in a real Chromium: every order here is created over the simulator's real API
// (signed requests), every click goes through the page's own JavaScript to the control surface.

// jsqr is a UMD bundle whose module.exports holds the decoder as `default`: depending on the
// loader's CommonJS interop, the namespace's default is the decoder or that object.
type Decode = typeof jsqr.default;
const decodeQr: Decode =
  typeof jsqr.default === 'function'
    ? jsqr.default
    : (jsqr.default as unknown as { default: Decode }).default;

/** The part of a canvas element the QR check reads (the tests compile without the DOM lib). */
interface CanvasPixels {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): {
    getImageData(
      x: number,
      y: number,
      w: number,
      h: number,
    ): {
      readonly width: number;
      readonly height: number;
      readonly data: ArrayLike<number>;
    };
  } | null;
}

let sim: Simulator;
let receiver: NotificationReceiver;
let chromium: HeadlessChromium;
let page: Page;
let seq = 0;
const no = (prefix: string) => `${prefix}${Date.now()}${seq++}`;
// Generous: on a loaded 2-core machine Chromium and the SSE round trip can take seconds; a wait ends as soon as its condition holds.
const WAIT = { timeout: 30_000 };

beforeAll(async () => {
  [sim, receiver, chromium] = await Promise.all([
    startSimulator({ notificationRetryDelaysMs: [50, 100] }),
    startNotificationReceiver(),
    launchChromium(),
  ]);
  // The merchant's server is down for the first delivery of each notification, then answers.
  const seen = new Set<string>();
  // A redelivery carries the same body (v3: the same encrypted resource and event id).
  receiver.respond = (n) => {
    if (seen.has(n.text)) return { status: 204 };
    seen.add(n.text);
    return { status: 500, body: '{"code":"FAIL","message":"busy"}' };
  };
  page = await openDashboard(chromium, sim, WAIT.timeout);
}, 30_000);

afterAll(async () => {
  await chromium?.close();
  await receiver?.stop();
  await sim?.stop();
});

const createNative = (outTradeNo: string, total = 888) =>
  createV3NativeOrder(sim, {
    outTradeNo,
    total,
    description: 'Dashboard test — 会员充值',
    notifyUrl: receiver.url,
  });

const card = (outTradeNo: string): Locator => page.locator(`article[data-order="${outTradeNo}"]`);
const stateOf = (outTradeNo: string) => card(outTradeNo).locator('.card-head [data-state]');

async function qrText(outTradeNo: string): Promise<string | undefined> {
  const pixels = await card(outTradeNo)
    .locator('canvas[data-qr]')
    .evaluate((canvas: CanvasPixels) => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return undefined;
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return { width: image.width, height: image.height, data: Array.from(image.data) };
    });
  if (!pixels) return undefined;
  return decodeQr(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data;
}

describe('the dashboard in Chromium', { timeout: 120_000 }, () => {
  it('shows an order created from code live, draws its code_url, pays it on a click and shows every delivery attempt', async () => {
    const id = no('DASH');
    await createNative(id);
    // No reload: the card appears through the server-sent change event.
    await card(id).waitFor(WAIT);
    expect(await stateOf(id).textContent()).toBe('NOTPAY');
    const codeUrl = sim.getOrder(id)?.codeUrl;
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
    expect(await qrText(id)).toBe(codeUrl);

    await card(id).locator(`select[id$="-bank"]`).selectOption('CMB_DEBIT');
    await card(id).locator(`input[id$="-coupon"]`).fill('100');
    await card(id).locator('button[data-action="pay"]').click();
    await stateOf(id).filter({ hasText: 'SUCCESS' }).waitFor(WAIT);
    expect(await card(id).locator('[data-history]').textContent()).toMatch(/NOTPAY.*→.*SUCCESS/);
    const paid = sim.getOrder(id);
    expect(paid?.bankType).toBe('CMB_DEBIT');
    expect(paid?.coupons).toEqual([expect.objectContaining({ type: 'CASH', amount: 100 })]);

    // First attempt refused (500, not acknowledged), the redelivery acknowledged (204).
    const rows = page.locator(`.delivery[data-order="${id}"] tbody tr`);
    await rows.nth(1).waitFor(WAIT);
    expect(await rows.nth(0).textContent()).toMatch(/#1.*500.*busy.*no ack/s);
    expect(await rows.nth(1).textContent()).toMatch(/#2.*204.*ack/s);
    expect(await page.locator(`.delivery[data-order="${id}"] .card-head`).textContent()).toContain(
      'acknowledged',
    );
    expect(sim.notifications.forOrder(id).map((a) => a.acknowledged)).toEqual([false, true]);

    // Redeliver from the page: a third attempt, acknowledged.
    await page.locator(`.delivery[data-order="${id}"] button[data-action="redeliver"]`).click();
    await rows.nth(2).waitFor(WAIT);
    expect(await rows.nth(2).textContent()).toMatch(/#3.*204.*ack/s);
  });

  it('shows the server refusing a wrong-state action or a bad coupon, and nothing changes', async () => {
    const id = no('DASHBAD');
    await createNative(id, 500);
    await card(id).waitFor(WAIT);
    await card(id).locator(`input[id$="-coupon"]`).fill('500');
    await card(id).locator('button[data-action="pay"]').click();
    const message = page.locator('#message.error');
    await message.filter({ hasText: id }).waitFor(WAIT);
    expect(await message.textContent()).toContain('coupons must leave something to pay');
    expect(sim.getOrder(id)?.state).toBe('NOTPAY');

    await card(id).locator('button[data-action="expire"]').click();
    await stateOf(id).filter({ hasText: 'CLOSED' }).waitFor(WAIT);
    // A closed order offers no scan; its folded payer actions are still there to try.
    expect(await card(id).locator('button[data-action="scan"]').count()).toBe(0);
    await card(id).locator('details summary').click();
    await card(id).locator(`input[id$="-coupon"]`).fill('');
    await card(id).locator('button[data-action="pay"]').click();
    await message.filter({ hasText: 'CLOSED' }).waitFor(WAIT);
    expect(await message.textContent()).toMatch(
      new RegExp(`^pay ${id} refused: .*CLOSED.*SUCCESS`),
    );
    expect(sim.getOrder(id)?.state).toBe('CLOSED');
    expect(await stateOf(id).textContent()).toBe('CLOSED');
    expect(sim.notifications.forOrder(id)).toEqual([]);
  });

  it('scans a v2 Native code to pay it, sets USERPAYING and fails an order', async () => {
    const v2 = no('DASHV2');
    const res = await v2Request(sim.url, '/pay/unifiedorder', sim.merchant, {
      body: 'v2 扫码',
      out_trade_no: v2,
      total_fee: '300',
      spbill_create_ip: '127.0.0.1',
      notify_url: receiver.url,
      trade_type: 'NATIVE',
      product_id: 'P1',
    });
    expect(res.fields.result_code).toBe('SUCCESS');
    await card(v2).waitFor(WAIT);
    expect(await qrText(v2)).toBe(res.fields.code_url);
    await card(v2).locator('button[data-action="scan"]').click();
    await stateOf(v2).filter({ hasText: 'SUCCESS' }).waitFor(WAIT);
    expect(sim.getOrder(v2)?.state).toBe('SUCCESS');

    const other = no('DASHUP');
    await createNative(other);
    await card(other).waitFor(WAIT);
    await card(other).locator('button[data-action="user-paying"]').click();
    await stateOf(other).filter({ hasText: 'USERPAYING' }).waitFor(WAIT);
    await card(other).locator('button[data-action="fail"]').click();
    await stateOf(other).filter({ hasText: 'PAYERROR' }).waitFor(WAIT);
    expect(await card(other).locator('[data-history]').textContent()).toMatch(
      /NOTPAY.*USERPAYING.*PAYERROR/,
    );
  });

  it('injects a fault on the next call and marks the faulted request in the log', async () => {
    const id = no('DASHF');
    await createNative(id);
    await card(id).waitFor(WAIT);
    await card(id).locator(`select[id$="-fault"]`).selectOption('status');
    await card(id).locator('button[data-action="fault"]').click();
    await page.locator('#faults li').filter({ hasText: 'status' }).waitFor(WAIT);
    const query = `/v3/pay/transactions/out-trade-no/${id}?mchid=${sim.merchant.mchId}`;
    const res = await v3Request(sim.url, 'GET', query, sim.merchant);
    expect(res.status).toBe(500);
    const faulted = page.locator('#requests tr.faulted').filter({ hasText: id });
    await faulted.waitFor(WAIT);
    expect(await faulted.textContent()).toMatch(/500.*status/s);
    await page.locator('#faults .empty').waitFor(WAIT);
  });

  it('completes a refund with the status chosen on the page', async () => {
    const id = no('DASHR');
    await createNative(id, 1000);
    sim.pay(id, { silent: true });
    const refund = await refundV3(sim, id, { refund: 400, total: 1000 });
    expect(refund.status).toBe(200);
    const row = page.locator(`tr[data-refund="${id}R"]`);
    await row.filter({ hasText: 'PROCESSING' }).waitFor(WAIT);
    await row.locator('button[data-status="ABNORMAL"]').click();
    await row.locator('[data-state]').filter({ hasText: 'ABNORMAL' }).waitFor(WAIT);
    expect(await row.locator('.history').textContent()).toMatch(/PROCESSING.*ABNORMAL/);
    expect(sim.getRefund(`${id}R`)?.status).toBe('ABNORMAL');
    await page.locator(`.delivery[data-order="${id}"]`).filter({ hasText: 'refund' }).waitFor(WAIT);
    // Its buttons are gone; a second completion through the page's endpoint is refused.
    expect(await row.locator('button').count()).toBe(0);
    const again = await page.evaluate(async (outRefundNo) => {
      const res = await fetch('refunds/complete', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ outRefundNo, status: 'SUCCESS' }),
      });
      return { status: res.status, answer: await res.json() };
    }, `${id}R`);
    expect(again).toEqual({
      status: 400,
      answer: { error: `simulator: refund ${id}R is already ABNORMAL` },
    });
    expect(sim.getRefund(`${id}R`)?.status).toBe('ABNORMAL');
  });
});
