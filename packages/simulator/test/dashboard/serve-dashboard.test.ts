import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v3Request } from '../../src/contract/raw-client.js';
import { type DashboardOverview, OVERVIEW_LIMIT } from '../../src/dashboard/build-overview.js';
import { type Simulator, startSimulator } from '../../src/start-simulator.js';
import { formatRfc3339 } from '../../src/time-format.js';
import { type RawAnswer, sendRaw } from '../support/send-raw.js';
import { createV3NativeOrder, refundV3 } from '../support/v3-order-requests.js';

// The dashboard's HTTP side over real sockets: the page and its files, the JSON overview, the
// change stream, loopback-only access, and bad input through the endpoints the page uses.

let sim: Simulator;
let seq = 0;
const no = () => `DR${Date.now()}${seq++}`;

beforeAll(async () => {
  // notify_url points at a closed port here: short retries keep the delivery log settling fast.
  sim = await startSimulator({ notificationRetryDelaysMs: [10, 10] });
});
afterAll(async () => {
  await sim.stop();
});

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawAnswer> {
  return send(method, path, undefined, headers);
}

const send = (
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> => sendRaw(`${sim.url}${path}`, method, headers, body);

const control = (path: string, body: string) =>
  send('POST', `/__sim${path}`, body, { 'Content-Type': 'application/json' });

async function overview(): Promise<DashboardOverview> {
  const res = await get('/__sim/overview');
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as DashboardOverview;
}

const createOrder = (outTradeNo: string) =>
  createV3NativeOrder(sim, { outTradeNo, description: 'route test' });

describe('dashboard routes', () => {
  it('serves the page, its scripts and the QR encoder from its package, and nothing else', async () => {
    const page = await get('/__sim/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.text).toContain('<script type="module" src="dashboard/app.js">');
    for (const file of ['app.js', 'render.js', 'qr.js', 'qrcode.mjs', 'dashboard.css']) {
      const res = await get(`/__sim/dashboard/${file}`);
      expect(res.status, file).toBe(200);
    }
    expect((await get('/__sim/dashboard/qrcode.mjs')).text).toContain('export default qrcode');
    const redirect = await get('/__sim');
    expect([redirect.status, redirect.headers.location]).toEqual([308, '/__sim/']);
    for (const path of [
      '/__sim/dashboard/index.ts',
      '/__sim/dashboard/..%2Fpackage.json',
      '/__sim/dashboard/../../package.json',
      '/__sim/dashboard/',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect(
      (await send('POST', '/__sim/overview', '{}', { 'Content-Type': 'application/json' })).status,
    ).toBe(405);
  });

  it('answers loopback clients only: a Host header naming another host is refused', async () => {
    const port = new URL(sim.url).port;
    for (const path of ['/__sim/', '/__sim/overview', '/__sim/events']) {
      const res = await get(path, { Host: `rebound.example:${port}` });
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.text).error).toMatch(/loopback clients only/);
    }
    expect((await get('/__sim/overview', { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('lists the newest orders up to its limit and counts them all', async () => {
    const before = (await overview()).totals.orders;
    const ids = Array.from({ length: OVERVIEW_LIMIT + 1 - before }, () => no());
    for (const id of ids) await createOrder(id);
    const view = await overview();
    expect(view.totals.orders).toBe(OVERVIEW_LIMIT + 1);
    expect(view.orders).toHaveLength(OVERVIEW_LIMIT);
    expect(view.orders[0]?.outTradeNo).toBe(ids.at(-1));
  });

  it('shows no secret: keys masked to their last four characters, no private key', async () => {
    await createOrder(no());
    const res = await get('/__sim/overview');
    const m = sim.merchant;
    for (const secret of [m.apiKey, m.apiV3Key, m.privateKey, m.apiKey.slice(0, 8)]) {
      expect(res.text).not.toContain(secret);
    }
    const view = JSON.parse(res.text) as DashboardOverview;
    expect(view.merchant.apiKey).toBe(`••••${m.apiKey.slice(-4)}`);
    expect(view.merchant.apiV3Key).toBe(`••••${m.apiV3Key.slice(-4)}`);
    // The fault menu names kinds such as bad-signature: labels, not signed data.
    const { faultKinds: _menu, ...data } = view;
    expect(JSON.stringify(data)).not.toMatch(/authorization|signature|fingerprint/i);
  });

  it('keeps each order state history and lists refunds with theirs', async () => {
    const id = no();
    await createOrder(id);
    sim.setUserPaying(id);
    sim.pay(id, { silent: true });
    const refund = await refundV3(sim, id, { refund: 30, total: 100 });
    expect(refund.status).toBe(200);
    sim.completeRefund(`${id}R`, 'CLOSED');
    const order = (await overview()).orders.find((o) => o.outTradeNo === id);
    expect(order?.history.map((s) => s.state)).toEqual([
      'NOTPAY',
      'USERPAYING',
      'SUCCESS',
      'REFUND',
    ]);
    expect(order?.refunds.map((r) => [r.status, r.history.map((s) => s.state)])).toEqual([
      ['CLOSED', ['PROCESSING', 'CLOSED']],
    ]);
  });

  it('records an unpaid order closing at its time_expire, though noticed later', async () => {
    const id = no();
    const expiresAt = Math.floor(sim.now() / 1000) * 1000 + 120_000;
    const res = await v3Request(sim.url, 'POST', '/v3/pay/transactions/native', sim.merchant, {
      appid: sim.merchant.appId,
      mchid: sim.merchant.mchId,
      description: 'expires',
      out_trade_no: id,
      time_expire: formatRfc3339(expiresAt),
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total: 100, currency: 'CNY' },
    });
    expect(res.status).toBe(200);
    sim.advanceTime(180_000);
    try {
      const order = (await overview()).orders.find((o) => o.outTradeNo === id);
      expect(order?.state).toBe('CLOSED');
      expect(order?.history.map((s) => s.state)).toEqual(['NOTPAY', 'CLOSED']);
      expect(order?.history[1]?.at).toBe(expiresAt);
    } finally {
      sim.advanceTime(-180_000);
    }
  });

  it('refuses bad input through the control endpoints with a clear message and changes nothing; accepts each fault kind the page offers', async () => {
    const id = no();
    await createOrder(id);
    sim.expire(id);
    await sim.notifications.idle();
    const before = await overview();
    const cases: Array<[string, string, number, string]> = [
      [
        '/pay',
        JSON.stringify({ outTradeNo: 'NO_SUCH_ORDER' }),
        404,
        'simulator: no order NO_SUCH_ORDER',
      ],
      ['/pay', '{"outTradeNo":', 400, 'body must be JSON'],
      ['/pay', JSON.stringify({ outTradeNo: id }), 409, 'CLOSED -> SUCCESS'],
      ['/fail', JSON.stringify({ outTradeNo: id }), 409, 'CLOSED -> PAYERROR'],
      ['/pay', JSON.stringify({ outTradeNo: 42 }), 400, 'outTradeNo must be a non-empty string'],
      [
        '/refunds/complete',
        JSON.stringify({ outRefundNo: 'NOPE' }),
        404,
        'simulator: no refund NOPE',
      ],
      [
        '/refunds/complete',
        JSON.stringify({ outRefundNo: 'NOPE', status: 'MAYBE' }),
        400,
        'status must be SUCCESS, CLOSED or ABNORMAL',
      ],
      [
        '/redeliver',
        JSON.stringify({ id: 'no-such-id' }),
        404,
        'simulator: no notification no-such-id',
      ],
      ['/faults', JSON.stringify({ kind: 'explode' }), 400, 'kind must be one of'],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await control(path, body);
      expect(res.status, `${path} ${body}`).toBe(status);
      expect((JSON.parse(res.text) as { error: string }).error).toContain(message);
    }
    const after = await overview();
    expect({ ...after, now: 0 }).toEqual({ ...before, now: 0 });
    // The page builds its fault menu from the overview: every kind offered is one the control
    // surface takes, and none that needs more than JSON can say (a rewrite function).
    expect(before.faultKinds).toContain('status');
    expect(before.faultKinds).not.toContain('rewrite');
    for (const kind of before.faultKinds) {
      const res = await control('/faults', JSON.stringify({ kind, path: '/never/called' }));
      expect(res.status, kind).toBe(200);
    }
    expect(sim.faults.pending.map((f) => f.kind)).toEqual(before.faultKinds);
    sim.faults.clear();
  });

  it('redelivers a notification by id: one more attempt, numbered on', async () => {
    const id = no();
    await createOrder(id);
    sim.pay(id);
    const first = await sim.notifications.waitFor((a) => a.outTradeNo === id);
    await sim.notifications.idle();
    const sent = sim.notifications.forOrder(id).length;
    const res = await control('/redeliver', JSON.stringify({ id: first.id }));
    expect([res.status, res.text]).toEqual([200, '{"ok":true}']);
    const next = await sim.notifications.waitFor(
      (a) => a.id === first.id && a.attempt === sent + 1,
    );
    expect(next.body).toBe(first.body);
  });

  it('streams a change event when an order is created', async () => {
    const events: string[] = [];
    const id = no();
    const seen = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${sim.url}/__sim/events`, { agent: false }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          events.push(chunk);
          if (chunk.includes(': connected')) void createOrder(id).catch(reject);
          if (/event: change\ndata: .*"order"/.test(chunk)) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (events.length > 0 ? undefined : reject(e)));
      req.end();
      setTimeout(() => {
        req.destroy();
        reject(new Error(`no change event within 5 s: ${events.join('')}`));
      }, 5_000).unref();
    });
    await seen;
    expect(events.join('')).toMatch(/event: change\ndata: \{"kinds":\[.*"order".*\]\}/);
  });
});
