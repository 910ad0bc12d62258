import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlAllows } from '../src/control-access.js';
import { type Simulator, startSimulator } from '../src/start-simulator.js';
import { type RawAnswer, sendRaw } from './support/send-raw.js';
import { createV3NativeOrder } from './support/v3-order-requests.js';

// Who may drive `/__sim/` over real sockets: a web page the developer visits must not be able
// to pay, fail or fault orders (cross-site POSTs as text/plain, DNS names rebound to 127.0.0.1),
// while the simulator's own clients (JSON from code, the dashboard page) keep working.

let sim: Simulator;
let port: string;
let seq = 0;
const no = () => `CA${Date.now()}${seq++}`;

beforeAll(async () => {
  sim = await startSimulator();
  port = new URL(sim.url).port;
});
afterAll(async () => {
  await sim.stop();
});

const send = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawAnswer> => sendRaw(`${sim.url}${path}`, method, headers, body);

const createOrder = (outTradeNo: string) =>
  createV3NativeOrder(sim, { outTradeNo, description: 'control access test' });

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('/__sim/ access', () => {
  it('refuses a Host that is not a loopback name (DNS rebinding), with a JSON error, changing nothing', async () => {
    const order = no();
    await createOrder(order);
    const rebound = { Host: `rebound.example:${port}` };
    const pay = await send(
      'POST',
      '/__sim/pay',
      { ...rebound, ...JSON_TYPE },
      `{"outTradeNo":"${order}"}`,
    );
    expect(pay.status).toBe(403);
    expect(pay.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(pay.text)).toEqual({
      error:
        'the simulator answers /__sim/ requests from loopback clients only, with a loopback Host ' +
        '(localhost, 127.0.0.1 or [::1])',
    });
    expect(sim.getOrder(order)?.state).toBe('NOTPAY');
    for (const path of ['/__sim/merchant', '/__sim/requests', `/__sim/orders/${order}`]) {
      expect((await send('GET', path, rebound)).status, path).toBe(403);
    }
    const faults = sim.faults.pending.length;
    const fault = await send(
      'POST',
      '/__sim/faults',
      { ...rebound, ...JSON_TYPE },
      '{"kind":"reset"}',
    );
    expect(fault.status).toBe(403);
    expect(sim.faults.pending.length).toBe(faults);
    // The same request with a loopback Host goes through.
    const ok = await send(
      'POST',
      '/__sim/pay',
      { Host: `localhost:${port}`, ...JSON_TYPE },
      `{"outTradeNo":"${order}","silent":true}`,
    );
    expect(ok.status).toBe(200);
    expect(sim.getOrder(order)?.state).toBe('SUCCESS');
  });

  it('answers a POST only with Content-Type: application/json (415 otherwise), changing nothing', async () => {
    const order = no();
    await createOrder(order);
    const body = JSON.stringify({ outTradeNo: order, silent: true });
    // What a cross-site page can send without a CORS preflight: text/plain, a form, or nothing.
    for (const type of [
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await send('POST', '/__sim/pay', { 'Content-Type': type }, body);
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.text), type).toEqual({
        error: 'POST /__sim/… needs Content-Type: application/json (send the body as JSON)',
      });
    }
    expect((await send('POST', '/__sim/pay', {}, body)).status).toBe(415);
    expect(sim.getOrder(order)?.state).toBe('NOTPAY');
    const serials = () => sim.merchant.platformCertificates.map((c) => c.serial);
    const before = serials();
    expect((await send('POST', '/__sim/rotate-certificate', {})).status).toBe(415);
    expect(serials()).toEqual(before);
    const paid = await send(
      'POST',
      '/__sim/pay',
      { 'Content-Type': 'application/json; charset=utf-8' },
      body,
    );
    expect(paid.status).toBe(200);
    expect(sim.getOrder(order)?.state).toBe('SUCCESS');
  });

  it('grants no CORS preflight, so a browser never sends the JSON POST cross-origin', async () => {
    const res = await send('OPTIONS', '/__sim/pay', {
      Origin: 'https://example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('answers everyone only when the simulator was bound to a non-loopback interface', () => {
    expect(controlAllows('127.0.0.1', '::ffff:127.0.0.1', 'localhost:8787')).toBe(true);
    expect(controlAllows('127.0.0.1', '::1', '[::1]:8787')).toBe(true);
    expect(controlAllows('127.0.0.1', '10.1.2.3', '127.0.0.1:8787')).toBe(false);
    expect(controlAllows('127.0.0.1', '127.0.0.1', 'rebound.example')).toBe(false);
    expect(controlAllows('127.0.0.1', '127.0.0.1', 'localhost.rebound.example')).toBe(false);
    expect(controlAllows('127.0.0.1', '127.0.0.1', undefined)).toBe(false);
    expect(controlAllows('[::1]', '::1', 'localhost')).toBe(true);
    expect(controlAllows('0.0.0.0', '10.1.2.3', 'devbox:8787')).toBe(true);
  });
});
