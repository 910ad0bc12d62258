import { verify } from 'node:crypto';
import { AuthenticationError, SignatureVerificationError, WxPayError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  expectFuzzVerdict,
  flipBit,
  recordUnhandledRejections,
  Tally,
} from '@wxpay/simulator/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorization,
  buildRequestMessage,
  createV3Client,
  parseAuthorization,
  type V3Client,
  verifyWechatpaySignature,
} from '../../src/index.js';
import { toOrder } from '../../src/map-order.js';
import { toRefund } from '../../src/map-refund.js';
import { parseJson } from '../../src/schemas/decode-wire.js';
import { signMessage } from '../../src/signing/sign.js';
import { makeTestKeys, signedHeaders } from '../support/test-keys.js';
import { NOW, publicKeyClient, signed, TRANSACTION } from './support/fixtures.js';
import { sampleBodies } from './support/mutate.js';
import { ReplyServer } from './support/reply-server.js';
import { isValidOrder, isValidRefund } from './support/valid.js';

const keys = makeTestKeys();
const rejections = recordUnhandledRejections();
const server = new ReplyServer();
let client: V3Client;
let sim: Simulator;
let simClient: V3Client;

beforeAll(async () => {
  [sim] = await Promise.all([startSimulator(), server.start()]);
  client = publicKeyClient(keys, server.url);
  simClient = createV3Client(
    sim.clientConfig('v3', {
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      retry: { maxAttempts: 1 },
    }),
  );
});

afterAll(async () => {
  await Promise.all([client.close(), simClient.close()]);
  await Promise.all([server.stop(), sim.stop()]);
});

const REFUND = {
  refund_id: '50000000382019052709732678859',
  out_refund_no: 'R-SEC-0001',
  transaction_id: '4200000215201811190261405420',
  out_trade_no: TRANSACTION.out_trade_no,
  channel: 'ORIGINAL',
  user_received_account: '招商银行信用卡0403',
  success_time: '2025-11-23T10:40:00+08:00',
  create_time: '2025-11-23T10:39:00+08:00',
  status: 'SUCCESS',
  amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100, currency: 'CNY' },
};

type Runs = { numRuns: number; seed: number };

/** Any method, path and body: signed, verified independently, and the header parsed back. */
function requestSigning(tally: Tally) {
  return fc.asyncProperty(
    fc.constantFrom('GET', 'POST'),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.stringMatching(/^[0-9A-Za-z]{1,32}$/),
    fc.integer({ min: 0, max: 2 ** 32 }),
    async (method, path, body, nonce, timestamp) => {
      const wirePath = `/v3/${encodeURIComponent(path)}`;
      const message = buildRequestMessage(method, wirePath, timestamp, nonce, body);
      const signature = await signMessage(keys.merchant.privateKey, message);
      const header = buildAuthorization({
        mchId: '1900000001',
        nonce,
        timestamp,
        serialNo: keys.merchant.serial,
        signature,
      });
      const parts = parseAuthorization(header);
      // Verified independently of the package: the message rebuilt from the spec.
      const expected = Buffer.from(`${method}\n${wirePath}\n${timestamp}\n${nonce}\n${body}\n`);
      const ok = verify(
        'sha256',
        expected,
        keys.merchant.publicKey,
        Buffer.from(signature, 'base64'),
      );
      const tampered = verify(
        'sha256',
        Buffer.concat([expected, Buffer.from('x')]),
        keys.merchant.publicKey,
        Buffer.from(signature, 'base64'),
      );
      tally.tried++;
      if (ok && !tampered && parts?.signature === signature && parts.nonce === nonce) {
        tally.acceptedValid++;
      } else tally.misses.push({ label: wirePath, outcome: 'round trip failed' });
      return ok && !tampered;
    },
  );
}

/** Random JSON bodies, signed by the client: the simulator (WeChat Pay) accepts the signature. */
function simulatorAcceptsSignatures(tally: Tally) {
  return fc.asyncProperty(
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    async (extra, outTradeNo) => {
      tally.tried++;
      try {
        await simClient.request({
          method: 'POST',
          path: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`,
          body: { ...extra, mchid: sim.merchant.mchId },
        });
      } catch (error) {
        // Anything but SIGN_ERROR means the simulator verified our signature.
        if (AuthenticationError.isInstance(error) || !WxPayError.isInstance(error)) {
          tally.acceptedWrongly++;
          tally.misses.push({ label: outTradeNo, outcome: String(error) });
          return false;
        }
      }
      tally.acceptedValid++;
      return true;
    },
  );
}

/** Any body verifies within ±300 s of its timestamp; the same body with one bit flipped does not. */
function responseVerification(tally: Tally) {
  return fc.asyncProperty(
    fc.uint8Array({ maxLength: 400 }),
    fc.integer({ min: -300, max: 300 }),
    fc.stringMatching(/^[0-9A-Za-z]{1,32}$/),
    fc.nat(),
    async (body, skew, nonce, where) => {
      const headers = signedHeaders(keys.publicKey, Buffer.from(body), {
        timestamp: NOW + skew,
        nonce,
      });
      const resolveKey = async (serial: string) =>
        serial === keys.publicKey.serial ? keys.publicKey.publicKey : undefined;
      const input = { headers, nowSeconds: NOW, resolveKey };
      await verifyWechatpaySignature({ ...input, body });
      tally.tried++;
      tally.acceptedValid++;
      if (body.length === 0) return true;
      const changed = flipBit(body, where % body.length, where % 8);
      tally.tried++;
      try {
        await verifyWechatpaySignature({ ...input, body: changed });
        tally.acceptedWrongly++;
        return false;
      } catch (error) {
        if (!SignatureVerificationError.isInstance(error)) throw error;
        tally.rejected++;
        return true;
      }
    },
  );
}

describe('sign/verify round trips', () => {
  it.each<[string, string, Runs, (tally: Tally, runs: Runs) => Promise<void>]>([
    [
      'request side: any method, path, body sign and verify; parseAuthorization round-trips',
      'round-trip request signing (property)',
      { numRuns: 150, seed: 81 },
      (tally, runs) => fc.assert(requestSigning(tally), runs),
    ],
    [
      'request side against the simulator: random JSON bodies are signed so WeChat Pay accepts them',
      'round-trip request signing (simulator)',
      { numRuns: 60, seed: 82 },
      (tally, runs) => fc.assert(simulatorAcceptsSignatures(tally), runs),
    ],
    [
      'response side: any body verifies at any time within ±300 s; one flipped bit does not',
      'round-trip response verification (property)',
      { numRuns: 200, seed: 83 },
      (tally, runs) => fc.assert(responseVerification(tally), runs),
    ],
  ])('%s', async (_title, category, runs, check) => {
    // Every run must count one valid round trip; nothing accepted wrongly or gone amiss.
    const tally = new Tally(category);
    await check(tally, runs);
    tally.print();
    expect(tally.misses).toEqual([]);
    expect(tally.acceptedWrongly).toBe(0);
    expect(tally.acceptedValid).toBe(runs.numRuns);
  });
});

/**
 * Runs each body through the exact steps queryOrder / queryRefund take on a verified body
 * (create-client.ts): JSON decoding, then `map`. Typed errors or valid results only.
 */
async function fuzzParser<T>(
  what: string,
  bodies: readonly Buffer[],
  parser: { label: string; map: (wire: unknown) => T; isValid: (value: T) => boolean },
): Promise<Tally> {
  const tally = new Tally(`response parser fuzz: ${what}`);
  for (const [i, body] of bodies.entries()) {
    await tally.fuzz(
      `${parser.label} #${i}`,
      async () => parser.map(parseJson(body, 'response')),
      parser.isValid,
    );
  }
  return tally;
}

describe('response parsers under fuzzing', () => {
  it('10,000 mutated transactions and 3,000 refunds: typed errors or valid results only', async () => {
    const orders = await fuzzParser('transactions', sampleBodies(TRANSACTION, 10_000, 84), {
      label: 'order',
      map: toOrder,
      isValid: isValidOrder,
    });
    const refunds = await fuzzParser('refunds', sampleBodies(REFUND, 3_000, 85), {
      label: 'refund',
      map: toRefund,
      isValid: isValidRefund,
    });
    for (const tally of [orders, refunds]) {
      // The mutations must reach both outcomes, or the fuzzing proved nothing.
      const { tried } = tally;
      expectFuzzVerdict(tally, { minRejected: tried / 4, minAcceptedValid: tried / 20 });
    }
    expect(orders.tried).toBe(10_000);
  });

  it('400 signed mutated replies through the whole client over HTTP', async () => {
    const tally = new Tally('response pipeline fuzz (HTTP, signed)');
    for (const [i, body] of sampleBodies(TRANSACTION, 400, 86).entries()) {
      await tally.fuzz(
        `reply #${i}`,
        () => {
          server.reply = { status: 200, ...signed(keys.publicKey, body) };
          return client.queryOrder({ outTradeNo: TRANSACTION.out_trade_no });
        },
        isValidOrder,
      );
    }
    expectFuzzVerdict(tally, { minRejected: 50, minAcceptedValid: 20 });
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
  });
});
