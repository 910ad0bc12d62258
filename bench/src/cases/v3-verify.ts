/** Case D: verify a signed v3 reply (the four Wechatpay-* headers, ±300 s, RSA verify). */
import { verify } from 'node:crypto';
import { verifyWechatpaySignature } from '@wxpay/v3-json';
import {
  type Keys,
  platformSignature,
  V3_PUB_KEY_ID,
  V3_QUERY_PATH,
  V3_TRANSACTION_BODY,
} from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { axiosPlugin, NodeV3 } from '../peers.js';
import { contestantsOf } from './contestants-of.js';

type Headers = Record<string, string>;

function signedHeaders(keys: Keys, ts: number, body: string): Headers {
  const nonce = 'c5ac7061fccab6bf3e254dcf98995b8c';
  const signature = platformSignature(keys, ts, nonce, body);
  return {
    'content-type': 'application/json',
    'request-id': '08F78BB5AF0610D302A4D8061CA6E1D2',
    'wechatpay-nonce': nonce,
    'wechatpay-serial': V3_PUB_KEY_ID,
    'wechatpay-signature': signature,
    'wechatpay-timestamp': String(ts),
  };
}

/** The contestants of case D. Each resolves true when the reply verifies. */
export function v3VerifyContestants(keys: Keys): Contestant[] {
  const body = V3_TRANSACTION_BODY;
  const now = () => Math.floor(Date.now() / 1000);
  const good = signedHeaders(keys, now(), body);
  const stale = signedHeaders(keys, now() - 3600, body);
  const tamperedBody = body.replace('"total":100', '"total":101');

  const raw = (h: Headers, b: string): boolean => {
    const ts = h['wechatpay-timestamp'];
    const nonce = h['wechatpay-nonce'];
    const signature = h['wechatpay-signature'];
    const serial = h['wechatpay-serial'];
    if (!ts || !nonce || !signature || !serial) return false;
    if (Math.abs(now() - Number(ts)) > 300) return false;
    if (serial !== V3_PUB_KEY_ID) return false;
    return verify(
      'sha256',
      Buffer.from(`${ts}\n${nonce}\n${b}\n`),
      keys.platformPublicKey,
      Buffer.from(signature, 'base64'),
    );
  };

  const resolveKey = async (serial: string) =>
    serial === V3_PUB_KEY_ID ? keys.platformPublicKey : undefined;
  const wxpay = async (h: Headers, b: string): Promise<boolean> => {
    try {
      await verifyWechatpaySignature({ headers: h, body: b, nowSeconds: now(), resolveKey });
      return true;
    } catch {
      return false;
    }
  };

  // wechatpay-node-v3: public verifySign; its static certificate map is seeded so it does
  // not try to download certificates. It takes the fields, not the headers.
  NodeV3.certificates[V3_PUB_KEY_ID] = keys.platformPublic;
  const pay = new NodeV3({
    appid: 'wx',
    mchid: '1',
    serial_no: 'AB',
    publicKey: Buffer.from(keys.merchantPublic),
    privateKey: Buffer.from(keys.merchantPrivate),
  });
  const nodeV3 = (h: Headers, b: string): Promise<boolean> =>
    pay
      .verifySign({
        timestamp: h['wechatpay-timestamp'] ?? '',
        nonce: h['wechatpay-nonce'] ?? '',
        body: b,
        serial: h['wechatpay-serial'] ?? '',
        signature: h['wechatpay-signature'] ?? '',
      })
      .catch(() => false);

  // axios plugin: the v3 instance's response verifier (a public static of Decorator).
  const verifier = axiosPlugin.Decorator.responseVerifier({
    [V3_PUB_KEY_ID]: keys.platformPublicKey,
  });
  const cfg = { url: V3_QUERY_PATH, validateStatus: (s: number) => s >= 200 && s < 300 };
  const axios = (h: Headers, b: string): boolean => {
    try {
      return verifier.call(cfg, b, h, 200) === b;
    } catch {
      return false;
    }
  };

  const judge = (fn: (h: Headers, b: string) => boolean | Promise<boolean>) => ({
    run: () => fn(good, body),
    check: async () => ((await fn(good, body)) ? undefined : 'a valid reply did not verify'),
    safety: async () => {
      if (await fn(good, tamperedBody)) return 'unsafe: accepts a tampered body';
      if (await fn(stale, body)) return 'unsafe: skips timestamp check (accepts 1 h old)';
      return undefined;
    },
  });
  return contestantsOf(judge, [
    ['raw', raw, { baseline: true, note: 'crypto.verify sync' }],
    ['wxpay', wxpay, { note: 'verifyWechatpaySignature (async verify)' }],
    ['wechatpay-node-v3', nodeV3, { note: 'verifySign (PEM per call)' }],
    ['axios-plugin', axios, { note: 'Decorator.responseVerifier' }],
  ]);
}
