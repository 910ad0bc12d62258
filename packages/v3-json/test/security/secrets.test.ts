import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AbortedError,
  ConfigError,
  ConnectionError,
  DecryptionError,
  type LogEvent,
  OrderNotFoundError,
  ResponseTooLargeError,
  SignatureProbeError,
  SignatureVerificationError,
  SystemError,
  TimeoutError,
  ValidationError,
  WxPayError,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  type NotificationEndpoint,
  recordUnhandledRejections,
  startNotificationEndpoint,
  Tally,
  unusedLocalUrl,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client, type V3ClientConfig } from '../../src/index.js';

const rejections = recordUnhandledRejections();
const events: LogEvent[] = [];
const logger = (event: LogEvent) => events.push(event);
let sim: Simulator;
let client: V3Client;
let hook: NotificationEndpoint;
const handlerErrors: unknown[] = [];
let seq = 0;

/** The simulator's merchant, with fields replaced (or removed with `undefined`). */
function config(
  extra: { [K in keyof V3ClientConfig]?: V3ClientConfig[K] | undefined } = {},
): V3ClientConfig {
  return sim.clientConfig('v3', {
    wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
    timeoutMs: 1_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    logger,
    ...extra,
  }) as V3ClientConfig;
}

beforeAll(async () => {
  sim = await startSimulator({ notificationRetryDelaysMs: [20] });
  client = createV3Client(config());
  hook = await startNotificationEndpoint(
    client,
    () => {
      throw new Error('order book unavailable');
    },
    { onError: (e) => handlerErrors.push(e) },
  );
});

afterAll(async () => {
  await client.close();
  await hook.stop();
  await sim.stop();
});

/** Every spelling of secret material that must never appear anywhere. */
function secretNeedles(): string[] {
  const pem = sim.merchant.privateKey;
  const key = createPrivateKey(pem);
  const forms = [
    pem,
    key.export({ type: 'pkcs1', format: 'pem' }).toString(),
    key.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    key.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
    key.export({ type: 'pkcs8', format: 'der' }).toString('hex'),
  ];
  const needles = new Set<string>([
    sim.merchant.apiV3Key,
    Buffer.from(sim.merchant.apiV3Key).toString('base64'),
    Buffer.from(sim.merchant.apiV3Key).toString('hex'),
    sim.merchant.apiKey,
  ]);
  for (const form of forms) {
    const body = form.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    // Every 24-character chunk (stride 8): any quoted piece of the key would hit one.
    for (let i = 0; i + 24 <= body.length; i += 8) needles.add(body.slice(i, i + 24));
    for (const line of form.split('\n'))
      if (line.length >= 24 && !line.startsWith('-----')) needles.add(line);
  }
  // Authorization header values as sent, and their signatures.
  for (const request of sim.requests) {
    const auth = request.headers.authorization;
    if (typeof auth !== 'string') continue;
    needles.add(auth);
    const signature = /signature="([^"]+)"/.exec(auth)?.[1];
    if (signature) needles.add(signature.slice(0, 32));
  }
  return [...needles];
}

/** Every rendering of an error a log or a crash report could contain. */
function renderings(error: unknown): string[] {
  const out = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error) ?? ''];
  if (error instanceof Error) {
    out.push(error.message, String(error.stack), String(error));
  }
  for (let c = (error as { cause?: unknown })?.cause, n = 0; c !== undefined && n < 10; n++) {
    out.push(inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c) ?? '', String(c));
    c = (c as { cause?: unknown })?.cause;
  }
  return out;
}

interface Caught {
  readonly path: string;
  readonly error: unknown;
}

async function capture(
  path: string,
  run: () => unknown,
  expected: { isInstance(v: unknown): boolean },
) {
  try {
    await run();
  } catch (error) {
    expect(expected.isInstance(error), `${path}: ${inspect(error)}`).toBe(true);
    return { path, error } satisfies Caught;
  }
  throw new Error(`${path}: expected an error`);
}

const no = () => `SECS${Date.now()}${seq++}`;
const queryPath = '/v3/pay/transactions/out-trade-no/';

describe('secrets never leak', () => {
  it('through every error path, every error rendering and every log event', async () => {
    const caught: Caught[] = [];
    // An order whose notifications reach the failing handler.
    const outTradeNo = no();
    const order = { outTradeNo, description: 'secrets', amount: { total: 200, currency: 'CNY' } };
    await client.createOrder({ kind: 'native', ...order, notifyUrl: hook.url });
    const { merchant } = sim;

    // Configuration errors, including secrets put in the wrong field.
    const cfg = (extra: Parameters<typeof config>[0]) => () => createV3Client(config(extra));
    const wrongType = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const [path, extra] of [
      ['config: APIv3 key 33 bytes', { apiV3Key: `${merchant.apiV3Key}x` }],
      ['config: APIv3 key 31 bytes', { apiV3Key: merchant.apiV3Key.slice(1) }],
      ['config: truncated private key', { privateKey: merchant.privateKey.slice(0, 900) }],
      [
        'config: corrupted base64 DER key',
        { privateKey: merchant.privateKey.replace(/-----[^-]+-----/g, '').slice(0, 700) },
      ],
      ['config: EC private key', { privateKey: wrongType }],
      [
        'config: public key as private',
        {
          privateKey: createPublicKey(merchant.privateKey)
            .export({ type: 'spki', format: 'pem' })
            .toString(),
        },
      ],
      ['config: PEM in certificateSerial', { certificateSerial: merchant.privateKey }],
      ['config: APIv3 key in notifyUrl', { notifyUrl: merchant.apiV3Key }],
      ['config: APIv3 key in mchId', { mchId: `${merchant.apiV3Key}!` }],
      ['config: PEM in baseUrl', { baseUrl: merchant.privateKey }],
      [
        'config: private key in public key',
        {
          wechatpayPublicKey: {
            id: merchant.wechatpayPublicKey.id,
            key: merchant.privateKey.slice(0, 500),
          },
        },
      ],
      [
        'config: off without public key',
        { wechatpayPublicKey: undefined, platformCertificates: 'off' as const },
      ],
    ] as const) {
      caught.push(await capture(path, cfg(extra as Parameters<typeof config>[0]), ConfigError));
    }

    // Input validation.
    caught.push(
      await capture(
        'input: bad createOrder',
        () =>
          client.createOrder({
            kind: 'native',
            outTradeNo: merchant.apiV3Key.replace(/./g, '#'),
            description: '',
            amount: { total: -1, currency: 'CNY' },
          } as never),
        ValidationError,
      ),
    );

    // API errors and retries exhausted.
    caught.push(
      await capture(
        'api: order not found',
        () => client.queryOrder({ outTradeNo: 'SECNOSUCHORDER' }),
        OrderNotFoundError,
      ),
    );
    sim.faults.push({ kind: 'status', status: 500, path: queryPath, times: 2 });
    caught.push(
      await capture('api: 500 twice', () => client.queryOrder({ outTradeNo }), SystemError),
    );

    // Verification failures on answers.
    for (const [kind, cls] of [
      ['bad-signature', SignatureVerificationError],
      ['probe-signature', SignatureProbeError],
      ['unsigned', SignatureVerificationError],
      ['skewed-timestamp', SignatureVerificationError],
    ] as const) {
      sim.faults.push({ kind, path: queryPath, times: 1 });
      caught.push(await capture(`answer: ${kind}`, () => client.queryOrder({ outTradeNo }), cls));
    }

    // Timeouts, transport failures, aborts, oversized answers.
    sim.faults.push({ kind: 'latency', latencyMs: 600, path: queryPath, times: 2 });
    caught.push(
      await capture(
        'timeout',
        () => client.queryOrder({ outTradeNo }, { timeoutMs: 150 }),
        TimeoutError,
      ),
    );
    sim.faults.push({ kind: 'reset', path: queryPath, times: 2 });
    caught.push(await capture('reset', () => client.queryOrder({ outTradeNo }), ConnectionError));
    const dead = createV3Client(config({ baseUrl: await unusedLocalUrl() }));
    caught.push(
      await capture('connection refused', () => dead.queryOrder({ outTradeNo }), ConnectionError),
    );
    await dead.close();
    caught.push(
      await capture(
        'aborted',
        () => client.queryOrder({ outTradeNo }, { signal: AbortSignal.abort('stop') }),
        AbortedError,
      ),
    );
    const tiny = createV3Client(config({ transport: { maxResponseBytes: 64 } }));
    caught.push(
      await capture('too large', () => tiny.queryOrder({ outTradeNo }), ResponseTooLargeError),
    );
    await tiny.close();

    // Certificate download decrypted with the wrong APIv3 key.
    const wrongKey = randomBytes(16).toString('hex');
    const certClient = createV3Client(
      config({ apiV3Key: wrongKey, wechatpayPublicKey: undefined, platformCertificates: 'auto' }),
    );
    caught.push(
      await capture(
        'certificates: wrong APIv3 key',
        () => certClient.refreshCertificates(),
        DecryptionError,
      ),
    );
    await certClient.close();

    // Sensitive-field helpers.
    caught.push(
      await capture(
        'decryptSensitive garbage',
        async () => client.decryptSensitive('AAAA'),
        WxPayError,
      ),
    );
    caught.push(
      await capture(
        'encryptSensitive too long',
        () => client.encryptSensitive('x'.repeat(400)),
        WxPayError,
      ),
    );

    // Notifications: a real one delivered to a handler that fails, then tampered copies.
    sim.pay(outTradeNo);
    const real = await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
    const wrongKeyClient = createV3Client(config({ apiV3Key: wrongKey }));
    caught.push(
      await capture(
        'notification: wrong APIv3 key',
        () => wrongKeyClient.parseNotification({ headers: real.headers, body: real.body }),
        DecryptionError,
      ),
    );
    await wrongKeyClient.close();
    caught.push(
      await capture(
        'notification: tampered body',
        () => client.parseNotification({ headers: real.headers, body: `${real.body} ` }),
        SignatureVerificationError,
      ),
    );
    caught.push(
      await capture(
        'notification: malformed request',
        () => client.parseNotification({ headers: real.headers } as never),
        WxPayError,
      ),
    );
    sim.sendPaymentNotification(outTradeNo, { timestampOffsetSeconds: -900 });
    sim.sendPaymentNotification(outTradeNo, { signature: 'probe' });
    await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo && a.attempt >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handlerErrors.length).toBeGreaterThanOrEqual(3);
    for (const [i, error] of handlerErrors.entries())
      caught.push({ path: `handler error #${i}`, error });

    // Now check everything against every spelling of every secret.
    const needles = secretNeedles();
    expect(needles.length).toBeGreaterThan(100);
    // The detector itself works: a 40-character piece of the key hidden in a cause is found.
    const piece = merchant.privateKey.replace(/-----[^-]+-----|\s/g, '').slice(333, 373);
    const planted = renderings(new WxPayError('x', { cause: { detail: `…${piece}…` } }));
    expect(needles.some((n) => planted.some((t) => t.includes(n)))).toBe(true);
    const tally = new Tally('secrets (error paths and log events checked)');
    const leaks: string[] = [];
    const check = (path: string, texts: string[]) => {
      tally.tried++;
      const hit = needles.find((n) => texts.some((t) => t.includes(n)));
      if (hit) {
        tally.acceptedWrongly++;
        leaks.push(`${path} leaks ${hit.slice(0, 12)}…`);
      } else tally.rejected++;
    };
    for (const { path, error } of caught) check(path, renderings(error));
    for (const [i, event] of events.entries())
      check(`log event #${i}`, [JSON.stringify(event), inspect(event)]);
    for (const [i, answer] of hook.answers.entries()) check(`handler answer #${i}`, [answer]);
    tally.print();
    expect(leaks).toEqual([]);
    expect(events.length).toBeGreaterThan(10);
    expect(events.some((e) => e.level === 'warn')).toBe(true);
    expect(caught.length).toBeGreaterThan(30);
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
  });
});
