import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Request, v3Request } from '../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../src/start-simulator.js';
import { verifyV3Answer } from '../src/testing/index.js';
import { createCertificate } from '../src/x509/index.js';

let sim: Simulator;
let trusting: Agent;
let withCert: Agent;
let withStrangerCert: Agent;

beforeAll(async () => {
  sim = await startSimulator({ tls: true, trust: 'public-key' });
  const ca = sim.tls?.ca ?? '';
  trusting = new Agent({ connect: { ca } });
  withCert = new Agent({
    connect: { ca, cert: sim.merchant.certificate, key: sim.merchant.privateKey },
  });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const strangerCert = createCertificate({
    publicKey: stranger.publicKey,
    issuerKey: stranger.privateKey,
    commonName: sim.merchant.mchId,
  });
  withStrangerCert = new Agent({
    connect: {
      ca,
      cert: strangerCert.pem,
      key: stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
});
afterAll(async () => {
  await Promise.all([trusting.close(), withCert.close(), withStrangerCert.close()]);
  await sim.stop();
});

describe('TLS mode', () => {
  it('serves HTTPS with a certificate issued by its CA', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const path = `/v3/pay/transactions/out-trade-no/NONE000001?mchid=${sim.merchant.mchId}`;
    const res = await v3Request(sim.url, 'GET', path, sim.merchant, undefined, {
      dispatcher: trusting,
    });
    expect(res.status).toBe(404);
    expect(verifyV3Answer(res.headers, res.text, sim.merchant.wechatpayPublicKey.key)).toBe(true);
    // An untrusting client refuses the server.
    await expect(v3Request(sim.url, 'GET', path, sim.merchant)).rejects.toThrow();
  });

  it('requires the merchant certificate on /secapi/* only', async () => {
    const no = `TLS${Date.now()}`;
    const created = await v2Request(
      sim.url,
      '/pay/unifiedorder',
      sim.merchant,
      {
        body: 'tls',
        out_trade_no: no,
        total_fee: '10',
        spbill_create_ip: '127.0.0.1',
        notify_url: 'http://127.0.0.1:9/n',
        trade_type: 'NATIVE',
        product_id: 'P1',
      },
      'MD5',
      { dispatcher: trusting },
    );
    expect(created.fields.result_code).toBe('SUCCESS');
    sim.pay(no, { silent: true });
    const refund = { out_trade_no: no, out_refund_no: `${no}R`, total_fee: '10', refund_fee: '10' };
    const anonymous = await v2Request(sim.url, '/secapi/pay/refund', sim.merchant, refund, 'MD5', {
      dispatcher: trusting,
    });
    expect(anonymous.fields.return_code).toBe('FAIL');
    const stranger = await v2Request(sim.url, '/secapi/pay/refund', sim.merchant, refund, 'MD5', {
      dispatcher: withStrangerCert,
    });
    expect(stranger.fields.return_code).toBe('FAIL');
    expect(sim.getOrder(no)?.refunds).toHaveLength(0);
    const ok = await v2Request(sim.url, '/secapi/pay/refund', sim.merchant, refund, 'MD5', {
      dispatcher: withCert,
    });
    expect(ok.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect(sim.getOrder(no)?.refunds).toHaveLength(1);
  });
});
