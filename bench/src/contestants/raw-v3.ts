/**
 * The raw v3 baseline: an undici `Pool`, the signature over the request message, the four
 * `Wechatpay-*` headers, the ±300 s window and the reply signature checked, `JSON.parse`.
 * `raw-sync` signs and verifies synchronously; `raw-async` uses the callback forms (the RSA
 * work runs on the threadpool — the strategy wxpay uses for signing).
 */
import { randomBytes, sign, verify } from 'node:crypto';
import { Pool } from 'undici';
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import {
  toKeys,
  V3_APPID,
  V3_MCHID,
  V3_NATIVE_DESCRIPTION,
  V3_NATIVE_NOTIFY_URL,
  V3_NATIVE_PATH,
  V3_OUT_TRADE_NO,
  V3_PUB_KEY_ID,
  V3_QUERY_PATH,
  V3_SERIAL,
} from '../fixtures.js';

/** Builds `raw-sync` or `raw-async` for v3. */
export function buildRawV3(job: WorkerJob): BuiltClient {
  const keys = toKeys(job.keys);
  const pool = new Pool(job.origin);
  const async = job.contestant === 'raw-async';
  const create = job.operation === 'create';
  const signAsync = (data: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      sign('sha256', data, keys.merchantPrivateKey, (e, s) => (e ? reject(e) : resolve(s))),
    );
  const verifyAsync = (data: Buffer, sig: Buffer) =>
    new Promise<boolean>((resolve) =>
      verify('sha256', data, keys.platformPublicKey, sig, (e, ok) => resolve(!e && ok)),
    );
  const path = create ? V3_NATIVE_PATH : V3_QUERY_PATH;
  const method = create ? 'POST' : 'GET';
  return {
    call: async () => {
      const body = create
        ? JSON.stringify({
            appid: V3_APPID,
            mchid: V3_MCHID,
            description: V3_NATIVE_DESCRIPTION,
            out_trade_no: V3_OUT_TRADE_NO,
            notify_url: V3_NATIVE_NOTIFY_URL,
            amount: { total: 100, currency: 'CNY' },
          })
        : '';
      const nonce = randomBytes(16).toString('hex');
      const ts = Math.floor(Date.now() / 1000);
      const msg = Buffer.from(`${method}\n${path}\n${ts}\n${nonce}\n${body}\n`);
      const sig = async ? await signAsync(msg) : sign('sha256', msg, keys.merchantPrivateKey);
      const authorization = `WECHATPAY2-SHA256-RSA2048 mchid="${V3_MCHID}",nonce_str="${nonce}",signature="${sig.toString('base64')}",timestamp="${ts}",serial_no="${V3_SERIAL}"`;
      const res = await pool.request(
        create
          ? {
              path,
              method,
              headers: {
                accept: 'application/json',
                'content-type': 'application/json',
                'user-agent': 'raw-bench',
                authorization,
              },
              body,
            }
          : {
              path,
              method,
              headers: { accept: 'application/json', 'user-agent': 'raw-bench', authorization },
            },
      );
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      const h = res.headers;
      const rts = h['wechatpay-timestamp'];
      const rnonce = h['wechatpay-nonce'];
      const rsig = h['wechatpay-signature'];
      if (typeof rts !== 'string' || typeof rnonce !== 'string' || typeof rsig !== 'string') {
        throw new Error('missing Wechatpay headers');
      }
      if (h['wechatpay-serial'] !== V3_PUB_KEY_ID) throw new Error('unknown serial');
      if (Math.abs(Date.now() / 1000 - Number(rts)) > 300) throw new Error('stale reply');
      const vmsg = Buffer.from(`${rts}\n${rnonce}\n${text}\n`);
      const vsig = Buffer.from(rsig, 'base64');
      const ok = async
        ? await verifyAsync(vmsg, vsig)
        : verify('sha256', vmsg, keys.platformPublicKey, vsig);
      if (!ok) throw new Error('reply signature does not verify');
      return JSON.parse(text);
    },
    check: create
      ? (r) =>
          String(field(r, 'code_url')).startsWith('weixin://wxpay/bizpayurl')
            ? undefined
            : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`
      : (r) =>
          field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V3_OUT_TRADE_NO
            ? undefined
            : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
  };
}
