import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  DecryptionError,
  type LogEvent,
  OrderNotFoundError,
  ResponseValidationError,
  SignatureVerificationError,
  TimeoutError,
  WxPayError,
} from '@wxpay/core';
import { createCertificate, type Simulator, startSimulator } from '@wxpay/simulator';
import {
  type ExpectedErrorClass as ErrorClass,
  recordUnhandledRejections,
  settle,
  startNotificationEndpoint,
  Tally,
  unusedLocalUrl,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildXml,
  createV2Client,
  createWebNotificationHandler,
  encryptReqInfo,
  reqInfoKey,
  type V2Client,
  type V2ClientConfig,
} from '../../src/index.js';
import {
  APP_ID,
  MCH_ID,
  PAID_ORDER,
  PAYMENT_NOTIFICATION,
  randomApiKey,
  refundInfoXml,
  refundNotificationXml,
  signedXml,
} from './support/fixtures.js';
import { ReplyServer } from './support/reply-server.js';

// Real secrets, generated once for the file: the API key, the derived req_info key, a client
// private key (PEM) with its certificate, and a pfx passphrase.
const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT_CERT = createCertificate({
  publicKey: keyPair.publicKey,
  issuerKey: keyPair.privateKey,
  commonName: 'secret-test merchant',
}).pem;
const PASSPHRASE = 'pfx-passphrase-do-not-leak-91c2';

const rejections = recordUnhandledRejections();
const tally = new Tally('secrets (errors + log events scanned)');
const events: LogEvent[] = [];
const handlerErrors: unknown[] = [];
const server = new ReplyServer();
let sim: Simulator;
let apiKey = '';
let secrets: string[] = [];
let deadServerUrl = '';

/** Every secret string, plus overlapping 24-character windows of the PEM's base64 body. */
function secretNeedles(): string[] {
  const body = PRIVATE_KEY_PEM.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const windows: string[] = [];
  for (let i = 0; i + 24 <= body.length; i += 12) windows.push(body.slice(i, i + 24));
  return [apiKey, reqInfoKey(apiKey).toString('ascii'), PRIVATE_KEY_PEM, PASSPHRASE, ...windows];
}

/** Everything an error shows: message, cause chain, JSON, deep inspection. */
function surfaces(error: unknown): string[] {
  const out: string[] = [];
  let cause: unknown = error;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 10; depth++) {
    out.push(String((cause as { message?: unknown }).message ?? cause));
    out.push(String((cause as { stack?: unknown }).stack ?? ''));
    cause = (cause as { cause?: unknown }).cause;
  }
  out.push(JSON.stringify(error) ?? '');
  out.push(inspect(error, { depth: 10 }));
  return out;
}

function leaks(texts: readonly string[]): string[] {
  const all = texts.join('\n');
  const flat = all.replace(/\s+/g, '');
  return secrets.filter((s) => all.includes(s) || flat.includes(s)).map((s) => s.slice(0, 6));
}

/** Runs an error path: it must fail with `expected` and show no secret anywhere. */
async function errorPath(label: string, run: () => unknown, expected: ErrorClass) {
  await tally.rejects(label, run, expected);
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(leaks(surfaces(caught)), `${label} leaks a secret`).toEqual([]);
}

function client(extra: Partial<V2ClientConfig> = {}): V2Client {
  return createV2Client({
    appId: sim.merchant.appId,
    mchId: sim.merchant.mchId,
    apiKey,
    baseUrl: sim.url,
    timeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 5 },
    logger: (event) => events.push(event),
    clientCertificate: { cert: CLIENT_CERT, key: PRIVATE_KEY_PEM },
    ...extra,
  });
}

beforeAll(async () => {
  sim = await startSimulator();
  apiKey = sim.merchant.apiKey;
  secrets = secretNeedles();
  await server.start();
  deadServerUrl = await unusedLocalUrl();
});

afterAll(async () => {
  await sim.stop();
  await server.stop();
});

describe('no secret in any error, cause, serialisation or log event', () => {
  it('drives every reachable error path with real keys configured', async () => {
    const main = client();
    const parseBody = (body: string) => main.parseNotification({ headers: {}, body });
    const other = randomApiKey();
    const toServer = client({
      baseUrl: server.url,
      appId: APP_ID,
      mchId: MCH_ID,
    });
    const outTradeNo = `SECRET${Date.now()}`;
    // Configuration errors, with the secrets in the rejected config.
    const bad: Array<[string, Partial<V2ClientConfig> & Record<string, unknown>]> = [
      ['API key of the wrong length', { apiKey: `${apiKey}x` }],
      ['API key of the wrong type', { apiKey: Buffer.from(apiKey) as unknown as string }],
      ['secret in an unknown field', { apiKeyV3: apiKey }],
      [
        'certificate with extra fields',
        { clientCertificate: { key: PRIVATE_KEY_PEM, pass: PASSPHRASE } as never },
      ],
      ['bad baseUrl next to secrets', { baseUrl: `ftp://${apiKey}@x` }],
      [
        'passphrase in a bad pfx',
        { clientCertificate: { pfx: PRIVATE_KEY_PEM as never, passphrase: PASSPHRASE } },
      ],
    ];
    for (const [label, patch] of bad) {
      await errorPath(
        `config: ${label}`,
        () => client(patch as Partial<V2ClientConfig>),
        ConfigError,
      );
    }
    // API errors and verification failures.
    await errorPath(
      'unknown order',
      () => main.queryOrder({ outTradeNo: `NOPE${Date.now()}` }),
      OrderNotFoundError,
    );
    await errorPath(
      'wrong API key (SIGNERROR)',
      () => client({ apiKey: other }).queryOrder({ outTradeNo }),
      AuthenticationError,
    );
    sim.faults.push({ kind: 'bad-signature', path: '/pay/orderquery', times: 2 });
    await errorPath(
      'bad reply signature',
      () => main.queryOrder({ outTradeNo: 'ANY0001' }),
      SignatureVerificationError,
    );
    sim.faults.push({ kind: 'unsigned', path: '/pay/orderquery', times: 2 });
    await errorPath(
      'unsigned reply',
      () => main.queryOrder({ outTradeNo: 'ANY0002' }),
      SignatureVerificationError,
    );
    server.reply = { body: signedXml(PAID_ORDER, other, 'MD5') };
    await errorPath(
      'reply signed with another key',
      () => toServer.queryOrder({ outTradeNo }),
      SignatureVerificationError,
    );
    server.reply = { body: signedXml({ ...PAID_ORDER, trade_state: 'WEIRD' }, apiKey, 'MD5') };
    await errorPath(
      'unknown trade state',
      () => toServer.queryOrder({ outTradeNo }),
      ResponseValidationError,
    );
    server.reply = { body: `<xml><a>${'x'.repeat(10)}</xml>` };
    await errorPath('malformed reply', () => toServer.queryOrder({ outTradeNo }), WxPayError);
    server.reply = { status: 503, body: apiKey };
    await errorPath(
      '5xx whose body quotes the key',
      () => toServer.queryOrder({ outTradeNo }),
      WxPayError,
    );
    // Timeouts and transport failures.
    sim.faults.push({ kind: 'latency', latencyMs: 400, path: '/pay/orderquery', times: 4 });
    await errorPath(
      'timeout',
      () => main.queryOrder({ outTradeNo: 'ANY0003' }, { timeoutMs: 50 }),
      TimeoutError,
    );
    await errorPath(
      'connection refused',
      () => client({ baseUrl: deadServerUrl }).queryOrder({ outTradeNo }),
      ConnectionError,
    );
    // Refunds go over mutual TLS, with the client certificate and its private key.
    const refundWith = (extra: Partial<V2ClientConfig>) => () =>
      client(extra).refund({
        order: { outTradeNo },
        outRefundNo: `${outTradeNo}R`,
        amount: { refund: 1, total: 1 },
      });
    await errorPath(
      'mutual TLS against a plain HTTP port (refund)',
      refundWith({ baseUrl: server.url.replace('http:', 'https:') }),
      ConnectionError,
    );
    await errorPath(
      'unusable client certificate (refund)',
      refundWith({
        baseUrl: 'https://127.0.0.1:1',
        clientCertificate: { cert: CLIENT_CERT, key: `${PRIVATE_KEY_PEM.slice(0, 200)}` },
      }),
      WxPayError,
    );
    // Notification failures.
    const badPlaintext = refundInfoXml({ refund_id: undefined });
    const notifications: Array<[string, string, ErrorClass]> = [
      ['forged notification', buildXml(PAYMENT_NOTIFICATION), SignatureVerificationError],
      [
        'notification signed with another key',
        signedXml(PAYMENT_NOTIFICATION, other, 'MD5'),
        SignatureVerificationError,
      ],
      ['refund notification under another key', refundNotificationXml(other), DecryptionError],
      [
        'refund notification with a bad plaintext',
        refundNotificationXml(apiKey, encryptReqInfo(badPlaintext, reqInfoKey(apiKey))),
        ResponseValidationError,
      ],
    ];
    for (const [label, body, expected] of notifications) {
      await errorPath(label, () => parseBody(body), expected);
    }
    // Handler failures: the callback throws an error that quotes the key; the acknowledgement
    // sent to WeChat Pay must not carry it (onError receives the caller's own error).
    const web = createWebNotificationHandler(
      main,
      () => {
        throw new Error('handler failed');
      },
      { onError: (e) => handlerErrors.push(e) },
    );
    const forged = await web(
      new Request('http://x/n', { method: 'POST', body: buildXml(PAYMENT_NOTIFICATION) }),
    );
    const thrown = await web(
      new Request('http://x/n', {
        method: 'POST',
        body: signedXml(
          { ...PAYMENT_NOTIFICATION, mch_id: sim.merchant.mchId, appid: sim.merchant.appId },
          apiKey,
          'MD5',
        ),
      }),
    );
    const acks = [await forged.text(), await thrown.text()];
    expect(acks.every((a) => a.includes('FAIL'))).toBe(true);
    expect(leaks(acks)).toEqual([]);
    const endpoint = await startNotificationEndpoint(main, () => undefined, {
      maxBodyBytes: 64,
      onError: (e) => handlerErrors.push(e),
    });
    const tooBig = await fetch(endpoint.url, { method: 'POST', body: apiKey.repeat(4) });
    expect(tooBig.status).toBe(413);
    expect(leaks([await tooBig.text()])).toEqual([]);
    await endpoint.stop();
    expect(handlerErrors.length).toBeGreaterThanOrEqual(3);
    for (const error of handlerErrors) expect(leaks(surfaces(error))).toEqual([]);

    await Promise.all([main.close(), toServer.close()]);
    await settle();
    expect(events.length).toBeGreaterThan(10);
    expect(leaks(events.map((e) => JSON.stringify(e)))).toEqual([]);
    tally.print();
    expect(tally.misses).toEqual([]);
    expect(tally.acceptedWrongly).toBe(0);
    expect(tally.rejected).toBe(tally.tried);
    expect(rejections.seen).toEqual([]);
  });

  it('the scan itself finds a planted secret (the check can fail)', () => {
    expect(leaks([`x ${apiKey} y`])).not.toEqual([]);
    const body = PRIVATE_KEY_PEM.split('\n').slice(3, 5).join('\n');
    expect(leaks([body])).not.toEqual([]);
    expect(leaks([reqInfoKey(apiKey).toString('ascii')])).not.toEqual([]);
  });
});
