/** Case C: the v3 `Authorization` header of a GET and of a POST (fresh nonce and timestamp). */
import { randomBytes, sign, verify } from 'node:crypto';
import { systemClock } from '@wxpay/core';
import { randomNonce } from '@wxpay/core/adapter';
import { type Keys, V3_MCHID, V3_SERIAL } from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { axiosPlugin, NodeV3, type V3RequestModule } from '../peers.js';

/** Checks a header: scheme, mchid, serial, and the signature over the rebuilt message. */
function checkHeader(
  header: string,
  method: string,
  path: string,
  body: string,
  keys: Keys,
): string | undefined {
  if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return 'wrong scheme';
  const attrs = new Map<string, string>();
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) attrs.set(m[1] as string, m[2] as string);
  if (attrs.get('mchid') !== V3_MCHID) return 'wrong mchid';
  if (attrs.get('serial_no') !== V3_SERIAL) return 'wrong serial_no';
  const ts = Number(attrs.get('timestamp'));
  if (!Number.isInteger(ts) || Math.abs(ts - Date.now() / 1000) > 5) return 'bad timestamp';
  const message = `${method}\n${path}\n${attrs.get('timestamp')}\n${attrs.get('nonce_str')}\n${body}\n`;
  const ok = verify(
    'sha256',
    Buffer.from(message),
    keys.merchantPublicKey,
    Buffer.from(attrs.get('signature') ?? '', 'base64'),
  );
  return ok ? undefined : 'signature does not verify';
}

/** The contestants of case C for one request. */
export function v3AuthContestants(
  method: 'GET' | 'POST',
  path: string,
  body: string,
  keys: Keys,
  v3Request: V3RequestModule,
): Contestant[] {
  const head = (nonce: string, ts: number, signature: string) =>
    `WECHATPAY2-SHA256-RSA2048 mchid="${V3_MCHID}",nonce_str="${nonce}",signature="${signature}",timestamp="${ts}",serial_no="${V3_SERIAL}"`;
  const message = (ts: number, nonce: string) => `${method}\n${path}\n${ts}\n${nonce}\n${body}\n`;

  const raw = (): string => {
    const nonce = randomBytes(16).toString('hex');
    const ts = Math.floor(Date.now() / 1000);
    const sig = sign('sha256', Buffer.from(message(ts, nonce)), keys.merchantPrivateKey);
    return head(nonce, ts, sig.toString('base64'));
  };
  const rawAsync = (): Promise<string> => {
    const nonce = randomBytes(16).toString('hex');
    const ts = Math.floor(Date.now() / 1000);
    return new Promise((resolve, reject) => {
      sign('sha256', Buffer.from(message(ts, nonce)), keys.merchantPrivateKey, (err, sig) =>
        err ? reject(err) : resolve(head(nonce, ts, sig.toString('base64'))),
      );
    });
  };

  // The v3 client's own pipeline (createV3Requester().authorize), default nonce and clock.
  const requester = v3Request.createV3Requester({
    baseUrl: 'http://127.0.0.1',
    mchId: V3_MCHID,
    certificateSerial: V3_SERIAL,
    privateKey: keys.merchantPrivateKey,
    transport: undefined,
    clock: systemClock,
    nonce: () => randomNonce(),
    timeoutMs: 10_000,
    userAgent: 'bench',
    resolveKey: async () => undefined,
    preferredSerial: () => undefined,
  });
  const wxpay = (): Promise<string> => requester.authorize(method, path, body);

  // wechatpay-node-v3: its public getSignature + getAuthorization with its own nonce and
  // timestamp recipe; the private key is the PEM Buffer its README loads (parsed per call).
  const pay = new NodeV3({
    appid: 'wx',
    mchid: V3_MCHID,
    serial_no: V3_SERIAL,
    publicKey: Buffer.from(keys.merchantPublic),
    privateKey: Buffer.from(keys.merchantPrivate),
  });
  const nodeV3 = (): string => {
    const nonce = Math.random().toString(36).substr(2, 15);
    const ts = Math.floor(Date.now() / 1000).toString();
    return pay.getAuthorization(nonce, ts, pay.getSignature(method, nonce, ts, path, body));
  };

  // axios plugin: what its request interceptor does (Formatter + Rsa.sign on a KeyObject).
  const { Formatter, Rsa } = axiosPlugin;
  const axiosKey = Rsa.from(keys.merchantPrivate, 'private');
  const axios = (): string => {
    const nonce = Formatter.nonce();
    const ts = Formatter.timestamp();
    const sig = Rsa.sign(Formatter.request(method, path, ts, nonce, body), axiosKey);
    return Formatter.authorization(V3_MCHID, nonce, sig, ts, V3_SERIAL);
  };

  const c = (
    name: string,
    run: () => string | Promise<string>,
    extra: Partial<Contestant> = {},
  ): Contestant => ({
    name,
    run,
    check: async () => checkHeader(await run(), method, path, body, keys),
    ...extra,
  });
  return [
    c('raw', raw, { baseline: true, note: 'crypto.sign sync, KeyObject' }),
    c('raw-async', rawAsync, { note: 'crypto.sign callback (threadpool)' }),
    c('wxpay', wxpay, { note: 'client requester.authorize (async sign)' }),
    c('wechatpay-node-v3', nodeV3, { note: 'getSignature + getAuthorization (PEM per call)' }),
    c('axios-plugin', axios, { note: 'Formatter + Rsa.sign' }),
  ];
}
