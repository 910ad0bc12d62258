/**
 * One client of cases F and G, run in a fresh process so that its CPU time and RSS are its own.
 * The parent sends a {@link WorkerJob}; the worker checks one reply for correctness, warms up,
 * then keeps `concurrency` requests in flight for the measured period (F) or for a fixed
 * number of requests (G), and answers with a {@link WorkerResult}.
 */
import { randomBytes, sign, verify } from 'node:crypto';
import { createTransport, orderRefSchema, parseInput, withRetry } from '@wxpay/core';
import { createV2Client } from '@wxpay/v2-xml';
import { buildAuthorization, buildRequestMessage, createV3Client } from '@wxpay/v3-json';
import { Pool } from 'undici';
import {
  API_KEY,
  API_V3_KEY,
  type KeyPems,
  toKeys,
  V2_APPID,
  V2_MCHID,
  V2_OUT_TRADE_NO,
  V3_APPID,
  V3_MCHID,
  V3_OUT_TRADE_NO,
  V3_PUB_KEY_ID,
  V3_QUERY_PATH,
  V3_SERIAL,
} from './fixtures.js';
import {
  axiosChain,
  axiosPlugin,
  loadV2QueryPieces,
  loadWxpayInternals,
  NODE_V3_ORIGIN,
  NodeV3,
  type NodeV3Http,
  NodeV3PayRequest,
  Tenpay,
} from './peers.js';
import { rawV2Build, rawV2Parser } from './raw-v2.js';
import { pooledNonce } from './tuned/nonce-pool.js';
import { createCheckResponse, signedBody as tunedSignedBody } from './tuned/v2-post.js';
import { parseXml as tunedParseXml } from './tuned/v2-xml.js';
import { verifyWechatpaySignature as tunedVerify } from './tuned/v3-verify.js';
import { withRetry as tunedWithRetry } from './tuned/with-retry.js';

/** Which client to run. */
export type E2eContestant =
  | 'wxpay'
  | 'wxpay-tuned'
  | 'raw-sync'
  | 'raw-async'
  | 'wechatpay-node-v3'
  | 'axios-plugin'
  | 'tenpay';

/** A job for the worker. */
export interface WorkerJob {
  readonly type: 'run';
  readonly mode: 'e2e' | 'soak';
  readonly protocol: 'v2' | 'v3';
  readonly contestant: E2eContestant;
  readonly origin: string;
  readonly keys: KeyPems;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Soak: requests to send, and a time cap. */
  readonly soakRequests: number;
  readonly soakMaxMs: number;
}

/** A memory reading of the soak. */
export interface SoakSnapshot {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

/** What the worker reports. */
export interface WorkerResult {
  readonly type: 'result';
  readonly checkFailure?: string;
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
  /** Client CPU (user + system, all threads of the process) per request, µs. */
  readonly cpuPerRequestUs: number;
  readonly peakRssMb: number;
  readonly baselineRssMb: number;
  readonly snapshots: readonly SoakSnapshot[];
}

type Call = () => Promise<unknown>;
type Checker = (result: unknown) => string | undefined;

const mb = (bytes: number) => bytes / 1024 / 1024;

function field(result: unknown, name: string): unknown {
  return typeof result === 'object' && result !== null
    ? (result as Record<string, unknown>)[name]
    : undefined;
}

/** Builds the call and the check of one contestant. */
export async function buildClient(job: WorkerJob): Promise<{ call: Call; check: Checker }> {
  const keys = toKeys(job.keys);
  const { origin } = job;
  const wireV3: Checker = (r) =>
    field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V3_OUT_TRADE_NO
      ? undefined
      : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`;
  const wireV2: Checker = (r) =>
    field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V2_OUT_TRADE_NO
      ? undefined
      : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`;

  if (job.protocol === 'v3') {
    switch (job.contestant) {
      case 'wxpay': {
        const client = createV3Client({
          mchId: V3_MCHID,
          appId: V3_APPID,
          privateKey: job.keys.merchantPrivate,
          certificateSerial: V3_SERIAL,
          apiV3Key: API_V3_KEY,
          wechatpayPublicKey: { id: V3_PUB_KEY_ID, key: job.keys.platformPublic },
          platformCertificates: 'off',
          baseUrl: origin,
        });
        return {
          call: () => client.queryOrder({ outTradeNo: V3_OUT_TRADE_NO }),
          check: (o) =>
            field(o, 'state') === 'SUCCESS' &&
            field(o, 'outTradeNo') === V3_OUT_TRADE_NO &&
            field(field(o, 'amount'), 'total') === 100
              ? undefined
              : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
        };
      }
      case 'wxpay-tuned': {
        // queryOrder as the adapter runs it (core transport, zod validation, the adapter's
        // decode and mapping, async RSA signing) with the tuned copies of withRetry (released
        // timeout), verifyWechatpaySignature (direct lookup, sync verify) and the nonce pool.
        // Error mapping of non-2xx answers is not exercised here.
        const { v3Pieces } = await loadWxpayInternals();
        const transport = createTransport({});
        const resolveKey = async (serial: string) =>
          serial === V3_PUB_KEY_ID ? keys.platformPublicKey : undefined;
        const signAsync = (message: string) =>
          new Promise<string>((resolve, reject) =>
            sign('sha256', Buffer.from(message, 'utf8'), keys.merchantPrivateKey, (e, sig) =>
              e ? reject(e) : resolve(sig.toString('base64')),
            ),
          );
        const userAgent = `wxpay-v3-json/0.1.0 node/${process.versions.node}`;
        return {
          call: async () => {
            parseInput(orderRefSchema, { outTradeNo: V3_OUT_TRADE_NO }, 'order reference');
            const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(V3_OUT_TRADE_NO)}?mchid=${V3_MCHID}`;
            const response = await tunedWithRetry(
              async ({ signal }) => {
                const url = new URL(`${origin}${path}`);
                const wirePath = `${url.pathname}${url.search}`;
                const timestamp = Math.floor(Date.now() / 1000);
                const nonce = pooledNonce(32);
                const signature = await signAsync(
                  buildRequestMessage('GET', wirePath, timestamp, nonce),
                );
                const r = await transport.request({
                  url: url.href,
                  method: 'GET',
                  headers: {
                    accept: 'application/json',
                    'user-agent': userAgent,
                    authorization: buildAuthorization({
                      mchId: V3_MCHID,
                      nonce,
                      timestamp,
                      serialNo: V3_SERIAL,
                      signature,
                    }),
                    'wechatpay-serial': V3_PUB_KEY_ID,
                  },
                  signal,
                });
                if (r.status < 200 || r.status >= 300 || r.status === 202) {
                  throw new Error(`HTTP ${r.status}`);
                }
                await tunedVerify({
                  headers: r.headers,
                  body: r.body,
                  nowSeconds: Math.floor(Date.now() / 1000),
                  resolveKey,
                });
                return r;
              },
              { policy: {}, attemptTimeoutMs: 10_000, idempotent: true },
            );
            return v3Pieces.toOrder(
              v3Pieces.parseJson(response.body.toString('utf8'), 'response of GET'),
            );
          },
          check: (o) =>
            field(o, 'state') === 'SUCCESS' &&
            field(o, 'outTradeNo') === V3_OUT_TRADE_NO &&
            field(field(o, 'amount'), 'total') === 100
              ? undefined
              : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
        };
      }
      case 'raw-sync':
      case 'raw-async': {
        const pool = new Pool(origin);
        const async = job.contestant === 'raw-async';
        const signAsync = (data: Buffer) =>
          new Promise<Buffer>((resolve, reject) =>
            sign('sha256', data, keys.merchantPrivateKey, (e, s) => (e ? reject(e) : resolve(s))),
          );
        const verifyAsync = (data: Buffer, sig: Buffer) =>
          new Promise<boolean>((resolve) =>
            verify('sha256', data, keys.platformPublicKey, sig, (e, ok) => resolve(!e && ok)),
          );
        return {
          call: async () => {
            const nonce = randomBytes(16).toString('hex');
            const ts = Math.floor(Date.now() / 1000);
            const msg = Buffer.from(`GET\n${V3_QUERY_PATH}\n${ts}\n${nonce}\n\n`);
            const sig = async ? await signAsync(msg) : sign('sha256', msg, keys.merchantPrivateKey);
            const res = await pool.request({
              path: V3_QUERY_PATH,
              method: 'GET',
              headers: {
                accept: 'application/json',
                'user-agent': 'raw-bench',
                authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${V3_MCHID}",nonce_str="${nonce}",signature="${sig.toString('base64')}",timestamp="${ts}",serial_no="${V3_SERIAL}"`,
              },
            });
            const body = await res.body.text();
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
            const vmsg = Buffer.from(`${rts}\n${rnonce}\n${body}\n`);
            const vsig = Buffer.from(rsig, 'base64');
            const ok = async
              ? await verifyAsync(vmsg, vsig)
              : verify('sha256', vmsg, keys.platformPublicKey, vsig);
            if (!ok) throw new Error('reply signature does not verify');
            return JSON.parse(body);
          },
          check: wireV3,
        };
      }
      case 'wechatpay-node-v3': {
        const pay = new NodeV3({
          appid: V3_APPID,
          mchid: V3_MCHID,
          serial_no: V3_SERIAL,
          publicKey: Buffer.from(job.keys.merchantPublic),
          privateKey: Buffer.from(job.keys.merchantPrivate),
          key: API_V3_KEY,
        });
        // Its URLs are hard-coded to the production host: this service only rewrites the
        // origin and sends through the SDK's own superagent service.
        const inner = new NodeV3PayRequest();
        const http: NodeV3Http = {
          get: (url, headers) => inner.get(url.replace(NODE_V3_ORIGIN, origin), headers),
          post: (url, params, headers) =>
            inner.post(url.replace(NODE_V3_ORIGIN, origin), params, headers),
          upload: (url, params, headers) =>
            inner.upload(url.replace(NODE_V3_ORIGIN, origin), params, headers),
        };
        pay.createHttp(http);
        return {
          call: async () => {
            const r = await pay.query({ out_trade_no: V3_OUT_TRADE_NO });
            if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
            return r.data;
          },
          check: wireV3,
        };
      }
      case 'axios-plugin': {
        const wx = new axiosPlugin({
          mchid: V3_MCHID,
          serial: V3_SERIAL,
          privateKey: job.keys.merchantPrivate,
          certs: { [V3_PUB_KEY_ID]: job.keys.platformPublic },
          baseURL: `${origin}/`,
        });
        return {
          // The README's chained form; the plugin turns `outTradeNo` into `out-trade-no`.
          call: async () => {
            const get = axiosChain(
              wx.v3,
              ['pay', 'transactions', 'outTradeNo', '{out_trade_no}'],
              'get',
            );
            return (await get({ params: { mchid: V3_MCHID }, out_trade_no: V3_OUT_TRADE_NO })).data;
          },
          check: wireV3,
        };
      }
      default:
        throw new Error(`${job.contestant} has no v3 client`);
    }
  }

  switch (job.contestant) {
    case 'wxpay': {
      const client = createV2Client({
        appId: V2_APPID,
        mchId: V2_MCHID,
        apiKey: API_KEY,
        signType: 'MD5',
        baseUrl: origin,
      });
      return {
        call: () => client.queryOrder({ outTradeNo: V2_OUT_TRADE_NO }),
        check: (o) =>
          field(o, 'state') === 'SUCCESS' &&
          field(o, 'outTradeNo') === V2_OUT_TRADE_NO &&
          field(o, 'transactionId') === '1008450740201411110005820873'
            ? undefined
            : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
      };
    }
    case 'wxpay-tuned': {
      // queryOrder as the adapter runs it (core transport and withRetry, the adapter's zod
      // decode and mapping), with the tuned copies of signedBody, parseXml and checkResponse.
      const pieces = await loadV2QueryPieces();
      const { v2Response } = await loadWxpayInternals();
      const checkReply = createCheckResponse(v2Response.checkResponse);
      const transport = createTransport({});
      const ctx = {
        appId: V2_APPID,
        mchId: V2_MCHID,
        apiKey: API_KEY,
        signType: 'MD5',
        nonce: () => pooledNonce(32),
      };
      const check = { ...ctx, status: 200 };
      const headers = {
        'content-type': 'text/xml; charset=utf-8',
        accept: 'text/xml, application/xml',
        'user-agent': 'wxpay-v2-xml/0.1 (+node)',
      };
      return {
        call: async () => {
          parseInput(orderRefSchema, { outTradeNo: V2_OUT_TRADE_NO }, 'order reference');
          const raw = await withRetry(
            async ({ signal }) => {
              const response = await transport.request({
                url: `${origin}/pay/orderquery`,
                method: 'POST',
                headers,
                body: tunedSignedBody(ctx, { out_trade_no: V2_OUT_TRADE_NO }),
                signal,
              });
              if (response.status !== 200) throw pieces.httpStatusError(response.status);
              const fields = tunedParseXml(response.body, { maxBytes: Number.MAX_SAFE_INTEGER });
              return checkReply(fields, check);
            },
            { policy: {}, attemptTimeoutMs: 10_000, idempotent: true },
          );
          pieces.decodeWire(pieces.orderQueryResponseSchema, raw, 'orderquery reply');
          return pieces.toOrder(raw, pieces.tradeStateOf(raw));
        },
        check: (o) =>
          field(o, 'state') === 'SUCCESS' &&
          field(o, 'outTradeNo') === V2_OUT_TRADE_NO &&
          field(o, 'transactionId') === '1008450740201411110005820873'
            ? undefined
            : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
      };
    }
    case 'raw-sync': {
      const pool = new Pool(origin);
      const parse = rawV2Parser('MD5');
      return {
        call: async () => {
          const res = await pool.request({
            path: '/pay/orderquery',
            method: 'POST',
            headers: { 'content-type': 'text/xml; charset=utf-8' },
            body: rawV2Build('MD5', V2_OUT_TRADE_NO),
          });
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          const f = parse(text);
          if (f.appid !== V2_APPID || f.mch_id !== V2_MCHID) throw new Error('not our merchant');
          return f;
        },
        check: wireV2,
      };
    }
    case 'tenpay': {
      const tp = new Tenpay({
        appid: V2_APPID,
        mchid: V2_MCHID,
        partnerKey: API_KEY,
      });
      tp.urls.orderquery = `${origin}/pay/orderquery`;
      return { call: () => tp.orderQuery({ out_trade_no: V2_OUT_TRADE_NO }), check: wireV2 };
    }
    case 'axios-plugin': {
      const wx = new axiosPlugin({
        mchid: V2_MCHID,
        serial: V3_SERIAL,
        privateKey: job.keys.merchantPrivate,
        certs: { [V3_PUB_KEY_ID]: job.keys.platformPublic },
        secret: API_KEY,
        baseURL: `${origin}/`,
      });
      return {
        call: async () => {
          const post = axiosChain(wx.v2, ['pay', 'orderquery'], 'post');
          const fields = { appid: V2_APPID, mch_id: V2_MCHID, out_trade_no: V2_OUT_TRADE_NO };
          return (await post({ ...fields, sign_type: 'MD5' })).data;
        },
        check: wireV2,
      };
    }
    default:
      throw new Error(`${job.contestant} has no v2 client`);
  }
}

/** Keeps `concurrency` calls in flight until `until()` says stop. */
async function drive(
  call: Call,
  concurrency: number,
  until: (done: number) => boolean,
  onDone: (done: number) => void,
): Promise<{ done: number; errors: number; firstError?: string }> {
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (!until(done)) {
      try {
        await call();
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 100) throw new Error(`too many errors: ${firstError}`);
      }
      done++;
      onDone(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { done, errors, ...(firstError ? { firstError } : {}) };
}

async function run(job: WorkerJob): Promise<WorkerResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { call, check } = await buildClient(job);
  let checkFailure: string | undefined;
  try {
    checkFailure = check(await call());
  } catch (error) {
    checkFailure = `request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const empty = {
    type: 'result' as const,
    requests: 0,
    errors: 0,
    elapsedMs: 0,
    cpuPerRequestUs: Number.NaN,
    peakRssMb: Number.NaN,
    baselineRssMb: Number.NaN,
    snapshots: [],
  };
  if (checkFailure) return { ...empty, checkFailure };

  const warmEnd = Date.now() + job.warmupMs;
  await drive(
    call,
    job.concurrency,
    () => Date.now() >= warmEnd,
    () => {},
  );
  gc?.();
  const baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const snapshots: SoakSnapshot[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: { done: number; errors: number; firstError?: string };
  if (job.mode === 'e2e') {
    const end = t0 + job.durationMs;
    outcome = await drive(
      call,
      job.concurrency,
      () => performance.now() >= end,
      () => {},
    );
  } else {
    const every = Math.max(1, Math.floor(job.soakRequests / 10));
    // Each reading follows a forced full GC, so a leak shows as a rising heap and garbage
    // not yet collected does not.
    const snap = (n: number) => {
      gc?.();
      const m = process.memoryUsage();
      snapshots.push({
        requests: n,
        elapsedMs: performance.now() - t0,
        rssMb: mb(m.rss),
        heapUsedMb: mb(m.heapUsed),
      });
    };
    snap(0);
    const deadline = t0 + job.soakMaxMs;
    let started = 0;
    let lastSnap = t0;
    outcome = await drive(
      call,
      job.concurrency,
      () => started++ >= job.soakRequests || performance.now() >= deadline,
      (n) => {
        // Every tenth of the requests, or every 3 s when the time cap will end the soak first.
        if (n % every === 0 || performance.now() - lastSnap >= 3000) {
          lastSnap = performance.now();
          snap(n);
        }
      },
    );
    gc?.();
    snap(outcome.done);
  }
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    type: 'result',
    requests: outcome.done,
    errors: outcome.errors,
    ...(outcome.firstError ? { firstError: outcome.firstError } : {}),
    elapsedMs,
    cpuPerRequestUs: (cpu.user + cpu.system) / Math.max(1, outcome.done),
    peakRssMb: mb(peakRss),
    baselineRssMb: mb(baselineRss),
    snapshots,
  };
}

/** The reply to one measurement window of case F. */
export interface WindowResult {
  readonly type: 'window';
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
  readonly cpuUs: number;
  readonly peakRssMb: number;
}

/**
 * Case F protocol: build, check and warm up once, answer `ready`, then run one measurement
 * window per `window` message, so the parent can interleave short windows of every
 * contestant (load from other processes then spreads over all of them alike).
 */
async function serveWindows(job: WorkerJob): Promise<void> {
  const send = (msg: unknown) =>
    new Promise<void>((resolve) => process.send?.(msg, () => resolve()));
  const { call, check } = await buildClient(job);
  let checkFailure: string | undefined;
  try {
    checkFailure = check(await call());
  } catch (error) {
    checkFailure = `request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (checkFailure) {
    await send({ type: 'ready', checkFailure });
    process.exit(0);
  }
  const warmEnd = performance.now() + job.warmupMs;
  await drive(
    call,
    job.concurrency,
    () => performance.now() >= warmEnd,
    () => {},
  );
  (globalThis as { gc?: () => void }).gc?.();
  process.on('message', (msg: { type: 'window'; durationMs: number } | { type: 'exit' }) => {
    if (msg.type === 'exit') process.exit(0);
    void (async () => {
      let peakRss = process.memoryUsage.rss();
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 20);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const end = t0 + msg.durationMs;
      const outcome = await drive(
        call,
        job.concurrency,
        () => performance.now() >= end,
        () => {},
      );
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await send({
        type: 'window',
        requests: outcome.done,
        errors: outcome.errors,
        ...(outcome.firstError ? { firstError: outcome.firstError } : {}),
        elapsedMs,
        cpuUs: cpu.user + cpu.system,
        peakRssMb: mb(peakRss),
      } satisfies WindowResult);
    })();
  });
  await send({ type: 'ready' });
}

if (process.send) {
  process.once('message', (job: WorkerJob) => {
    if (job.mode === 'e2e') {
      serveWindows(job).catch((error: unknown) => {
        process.send?.(
          { type: 'ready', checkFailure: error instanceof Error ? error.message : String(error) },
          () => process.exit(1),
        );
      });
      return;
    }
    run(job).then(
      (result) => {
        process.send?.(result, () => process.exit(0));
      },
      (error: unknown) => {
        process.send?.(
          { type: 'error', message: error instanceof Error ? error.message : String(error) },
          () => process.exit(1),
        );
      },
    );
  });
}
