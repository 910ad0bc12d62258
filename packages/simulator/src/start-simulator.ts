import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { randomNonce, sleep } from '@wxpay/core';
import { ChangeFeed } from './change-feed.js';
import { encryptAeadAes256Gcm, encryptReqInfo } from './ciphers.js';
import type {
  HandlerContext,
  IncomingCall,
  MicropayOutcome,
  NotifyOptions,
  Reply,
  TrustMode,
} from './context.js';
import { handleControl } from './control-surface.js';
import {
  type GeneratedCredentials,
  generateCredentials,
  platformCertificate,
  rsaKeyPair,
  type SigningKey,
  type SimulatorMerchant,
} from './credentials.js';
import { serveDashboard } from './dashboard/serve-dashboard.js';
import { type AppliedFault, FaultQueue } from './faults.js';
import { randomDigits } from './ids.js';
import { paidOrderFields, refundNotificationFields } from './map-v2.js';
import { refundNotificationJson, transactionJson } from './map-v3.js';
import { NotificationLog } from './notification-log.js';
import {
  OrderStore,
  type SimulatedCoupon,
  type SimulatedOrder,
  type SimulatedRefund,
} from './order-store.js';
import { formatRfc3339 } from './time-format.js';
import { handleV2, payOrder, V2_PATHS } from './v2/handle-v2.js';
import { signV2 } from './v2/sign.js';
import { buildXml } from './v2/xml-codec.js';
import {
  type SignatureSpoiler,
  signatureHeaders,
  signatureHeadersAsync,
} from './v3/authorization.js';
import { handleV3, TIMESTAMP_WINDOW_SECONDS } from './v3/handle-v3.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port (default 0: any free port). */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * How v3 answers are signed: `certificate` (platform certificates from `/v3/certificates`),
   * `public-key` (the WeChat Pay public key; `/v3/certificates` answers RESOURCE_NOT_EXISTS), or
   * `both` (default: the key the request's `Wechatpay-Serial` names, else the certificate).
   */
  readonly trust?: TrustMode;
  /** The simulator's clock in ms (default `Date.now`); `advanceTime` adds to it. */
  readonly now?: () => number;
  /** Waits between notification redeliveries (default `[50, 100, 200, 400, 800]`). */
  readonly notificationRetryDelaysMs?: readonly number[];
  /**
   * Serve HTTPS with a generated CA (see {@link Simulator.tls}); `/secapi/*` then require the
   * merchant certificate over mutual TLS, as at WeChat Pay. Default false (plain HTTP).
   */
  readonly tls?: boolean;
  /**
   * Deliver notifications to hosts other than loopback (default false: a `notify_url` on
   * another host is recorded as a failed attempt and nothing leaves the machine).
   */
  readonly allowRemoteNotify?: boolean;
}

/** Options of {@link Simulator.pay}. */
export interface PayOptions {
  /** Coupons used by the payer; `id` defaults to a generated one. */
  readonly coupons?: ReadonlyArray<Omit<SimulatedCoupon, 'id'> & { readonly id?: string }>;
  /** The payer's openid (default: the order's, else a generated one). */
  readonly openid?: string;
  /** Paying bank (default `OTHERS`). */
  readonly bankType?: string;
  /** Do not send the payment notification. */
  readonly silent?: boolean;
}

/** One request the simulator received (control-surface calls excluded). */
export interface RecordedRequest {
  readonly protocol: 'v2' | 'v3';
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** v2 `nonce_str` or v3 Authorization nonce, when the request had one. */
  readonly nonce?: string;
  /** HTTP status answered (undefined for a reset connection). */
  readonly status?: number;
  /** The fault applied, if any. */
  readonly fault?: AppliedFault['kind'];
  /** Simulator time (ms). */
  readonly at: number;
}

/** A running simulated WeChat Pay (both protocols on one base URL). */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`; use it as the client's `baseUrl`. */
  readonly url: string;
  /** Test credentials for both protocols, generated at start. */
  readonly merchant: SimulatorMerchant;
  /** Scripted faults for upcoming requests. */
  readonly faults: FaultQueue;
  /** Delivery attempts of notifications. */
  readonly notifications: NotificationLog;
  /** Every API request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** In TLS mode: the CA certificate (PEM) clients must trust; undefined over plain HTTP. */
  readonly tls: { readonly ca: string } | undefined;
  /** Current simulator time (ms). */
  now(): number;
  /** The payer pays (NOTPAY/USERPAYING/ACCEPT → SUCCESS) and the payment notification is sent. */
  pay(outTradeNo: string, options?: PayOptions): SimulatedOrder;
  /** The payment fails (→ PAYERROR). */
  fail(outTradeNo: string): SimulatedOrder;
  /** The payer is entering a password (→ USERPAYING). */
  setUserPaying(outTradeNo: string): SimulatedOrder;
  /** The order expires unpaid (→ CLOSED). */
  expire(outTradeNo: string): SimulatedOrder;
  /** A refund finishes (default SUCCESS) and the refund notification is sent. */
  completeRefund(outRefundNo: string, status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): SimulatedRefund;
  /** Alias of {@link Simulator.completeRefund} (the name DESIGN.md uses). */
  refund(outRefundNo: string, status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): SimulatedRefund;
  /** Alias of {@link Simulator.expire}: the order closes unpaid (the name DESIGN.md uses). */
  close(outTradeNo: string): SimulatedOrder;
  /** Decides what the next `/pay/micropay` charges do (queue; default SUCCESS). */
  queueMicropayOutcome(...outcomes: MicropayOutcome[]): void;
  /** (Re)sends the payment notification of a paid order, optionally skewed or mis-signed. */
  sendPaymentNotification(outTradeNo: string, options?: NotifyOptions): void;
  /** Moves the simulator clock forward (or back, with a negative value). */
  advanceTime(ms: number): void;
  /** Starts signing with a new platform certificate; the old one stays listed. Returns its serial. */
  rotatePlatformCertificate(): Promise<string>;
  /** A snapshot of an order, or undefined. */
  getOrder(outTradeNo: string): SimulatedOrder | undefined;
  /** A snapshot of a refund, or undefined. */
  getRefund(outRefundNo: string): SimulatedRefund | undefined;
  /** Stops the server and pending redeliveries. */
  stop(): Promise<void>;
}

/** Starts a simulated WeChat Pay on 127.0.0.1 (port 0 by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.now ?? Date.now;
  const creds = await generateCredentials(clock(), options.tls === true);
  const sim = new SimulatorServer(options, creds);
  await sim.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sim;
}

const MAX_BODY = 1024 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;
const FOREIGN_API_KEY = 'NotTheMerchantsKeyNotTheMerchant';
// A public-key id nobody was given: clients reject it without a certificate download, so the
// fault does not spend a client's (rate-limited) refresh-on-unknown-serial budget.
const UNKNOWN_SERIAL = 'PUB_KEY_ID_0000000000000000000000000000';

class SimulatorServer implements Simulator, HandlerContext {
  readonly faults = new FaultQueue();
  readonly changes = new ChangeFeed();
  readonly notifications: NotificationLog;
  readonly store: OrderStore;
  readonly trust: TrustMode;
  readonly requests: RecordedRequest[] = [];
  readonly merchant: SimulatorMerchant;
  readonly tls: { readonly ca: string } | undefined;
  url = '';
  #offset = 0;
  readonly #clock: () => number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #platform: SigningKey[];
  readonly #nonces = new Map<string, number>();
  readonly #bills = new Map<string, { content: Buffer; expires: number }>();
  readonly #micropay: MicropayOutcome[] = [];
  readonly #eventIds = new Map<string, string>();

  constructor(
    options: SimulatorOptions,
    readonly creds: GeneratedCredentials,
  ) {
    this.#clock = options.now ?? Date.now;
    this.trust = options.trust ?? 'both';
    this.store = new OrderStore(() => this.now(), this.changes);
    this.notifications = new NotificationLog(
      options.notificationRetryDelaysMs ?? [50, 100, 200, 400, 800],
      () => this.now(),
      options.allowRemoteNotify ?? false,
      this.changes,
    );
    this.#platform = [creds.platform];
    const platform = this.#platform;
    this.merchant = {
      mchId: creds.mchId,
      appId: creds.appId,
      apiKey: creds.apiKey,
      apiV3Key: creds.apiV3Key,
      privateKey: creds.merchantKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificate: creds.merchantCertificate,
      certificateSerial: creds.merchantSerial,
      wechatpayPublicKey: {
        id: creds.publicKey.serial,
        key: creds.publicKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      get platformCertificates() {
        return platform.map((k) => k.certificatePem ?? '');
      },
    };
    this.tls = creds.tls ? { ca: creds.tls.caCertificate } : undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      void this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`simulator error: ${error instanceof Error ? error.message : String(error)}`);
        } else res.destroy();
      });
    };
    this.#server = creds.tls
      ? createHttpsServer(
          {
            key: creds.tls.serverKey,
            cert: creds.tls.serverCertificate,
            ca: creds.tls.caCertificate,
            // Asked for, checked per path: only /secapi/* insist on it (as WeChat Pay does).
            requestCert: true,
            rejectUnauthorized: false,
          },
          onRequest,
        )
      : createServer(onRequest);
    this.#server.on(creds.tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  async listen(port: number, host: string): Promise<void> {
    this.#server.listen(port, host);
    await once(this.#server, 'listening');
    const addr = this.#server.address() as AddressInfo;
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `${this.tls ? 'https' : 'http'}://${h}:${addr.port}`;
  }

  // ---- HandlerContext ----

  now(): number {
    return this.#clock() + this.#offset;
  }

  baseUrl(): string {
    return this.url;
  }

  platformKeys(): readonly SigningKey[] {
    return this.#platform;
  }

  signingKey(serialHint: string | undefined): SigningKey {
    const current = this.#platform[this.#platform.length - 1] ?? this.creds.platform;
    if (this.trust === 'public-key') return this.creds.publicKey;
    if (this.trust === 'certificate') {
      return this.#platform.find((k) => k.serial === serialHint?.toUpperCase()) ?? current;
    }
    if (serialHint === this.creds.publicKey.serial) return this.creds.publicKey;
    return this.#platform.find((k) => k.serial === serialHint?.toUpperCase()) ?? current;
  }

  rememberNonce(nonce: string): boolean {
    const now = this.now();
    // Insertion order is time order, so expired nonces are at the front: stop at the first
    // live one (keeps this O(1) amortised under benchmark load).
    for (const [n, at] of this.#nonces) {
      if (now - at <= 2 * TIMESTAMP_WINDOW_SECONDS * 1000) break;
      this.#nonces.delete(n);
    }
    if (this.#nonces.has(nonce)) return false;
    this.#nonces.set(nonce, now);
    return true;
  }

  issueBill(content: Buffer): string {
    const token = randomBytes(16).toString('hex');
    this.#bills.set(token, { content, expires: this.now() + 5 * 60_000 });
    return token;
  }

  bill(token: string): Buffer | undefined {
    const b = this.#bills.get(token);
    return b && b.expires >= this.now() ? b.content : undefined;
  }

  takeMicropayOutcome(): MicropayOutcome {
    return this.#micropay.shift() ?? 'SUCCESS';
  }

  notifyPayment(order: SimulatedOrder, options: NotifyOptions = {}): void {
    if (!order.notifyUrl) return;
    const key = `pay:${order.outTradeNo}`;
    const id = this.#eventIds.get(key) ?? (order.via === 'v3' ? eventId() : randomNonce(32));
    this.#eventIds.set(key, id);
    if (order.via === 'v2') {
      const fields: Record<string, string | undefined> = {
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid: order.appId,
        mch_id: order.mchId,
        nonce_str: randomNonce(32),
        sign_type: options.v2SignType ?? order.signType,
        result_code: 'SUCCESS',
        ...paidOrderFields(order),
      };
      fields.sign = signV2(fields, this.creds.apiKey, options.v2SignType ?? order.signType);
      if (options.signature) fields.sign = spoilV2Sign(fields.sign);
      const body = buildXml(fields);
      this.notifications.send({
        id,
        protocol: 'v2',
        type: 'payment',
        outTradeNo: order.outTradeNo,
        url: order.notifyUrl,
        build: () => ({ headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body }),
      });
      return;
    }
    const body = JSON.stringify({
      id,
      create_time: formatRfc3339(this.now()),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        ...encryptAeadAes256Gcm(
          this.creds.apiV3Key,
          JSON.stringify(transactionJson(order)),
          'transaction',
        ),
      },
    });
    this.#sendV3(order, order.outTradeNo, undefined, 'payment', id, body, options);
  }

  notifyRefund(order: SimulatedOrder, refund: SimulatedRefund): void {
    const url = refund.notifyUrl ?? order.notifyUrl;
    if (!url) return;
    if (refund.via === 'v2') {
      const plain = buildXml(refundNotificationFields(order, refund), 'root');
      const body = buildXml({
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid: order.appId,
        mch_id: order.mchId,
        nonce_str: randomNonce(32),
        req_info: encryptReqInfo(this.creds.apiKey, plain),
      });
      this.notifications.send({
        id: randomNonce(32),
        protocol: 'v2',
        type: 'refund',
        outTradeNo: order.outTradeNo,
        outRefundNo: refund.outRefundNo,
        url,
        build: () => ({ headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body }),
      });
      return;
    }
    const event = {
      SUCCESS: 'REFUND.SUCCESS',
      CLOSED: 'REFUND.CLOSED',
      ABNORMAL: 'REFUND.ABNORMAL',
    };
    const summary = { SUCCESS: '退款成功', CLOSED: '退款关闭', ABNORMAL: '退款异常' };
    const status = refund.status === 'PROCESSING' ? 'SUCCESS' : refund.status;
    const id = eventId();
    const body = JSON.stringify({
      id,
      create_time: formatRfc3339(this.now()),
      resource_type: 'encrypt-resource',
      event_type: event[status],
      summary: summary[status],
      resource: {
        original_type: 'refund',
        ...encryptAeadAes256Gcm(
          this.creds.apiV3Key,
          JSON.stringify(refundNotificationJson(order, refund)),
          'refund',
        ),
      },
    });
    this.#sendV3(order, order.outTradeNo, refund.outRefundNo, 'refund', id, body, {});
  }

  #sendV3(
    order: SimulatedOrder,
    outTradeNo: string,
    outRefundNo: string | undefined,
    type: 'payment' | 'refund',
    id: string,
    body: string,
    options: NotifyOptions,
  ): void {
    const url =
      type === 'refund'
        ? (order.refunds.find((r) => r.outRefundNo === outRefundNo)?.notifyUrl ?? order.notifyUrl)
        : order.notifyUrl;
    if (!url) return;
    const key = this.signingKey(order.notifySerial);
    this.notifications.send({
      id,
      protocol: 'v3',
      type,
      outTradeNo,
      ...(outRefundNo ? { outRefundNo } : {}),
      url,
      build: () => ({
        headers: {
          'Content-Type': 'application/json',
          ...signatureHeaders(
            body,
            key.privateKey,
            key.serial,
            Math.floor(this.now() / 1000) + (options.timestampOffsetSeconds ?? 0),
            options.signature,
          ),
          'Request-ID': requestId(),
        },
        body,
      }),
    });
  }

  // ---- control ----

  #order(outTradeNo: string): SimulatedOrder {
    const order = this.store.find(outTradeNo);
    if (!order) throw new Error(`simulator: no order ${outTradeNo}`);
    return order;
  }

  pay(outTradeNo: string, options: PayOptions = {}): SimulatedOrder {
    const order = this.#order(outTradeNo);
    const coupons = (options.coupons ?? []).map((c, i) => ({
      id: c.id ?? `${i + 1}${randomDigits(9)}`,
      type: c.type,
      amount: c.amount,
      ...(c.name !== undefined ? { name: c.name } : {}),
    }));
    const couponTotal = coupons.reduce((s, c) => s + c.amount, 0);
    if (couponTotal >= order.total)
      throw new Error('simulator: coupons must leave something to pay');
    payOrder(this, order, {
      ...(options.openid ? { openid: options.openid } : {}),
      ...(options.bankType ? { bankType: options.bankType } : {}),
    });
    order.coupons = coupons;
    if (!options.silent) this.notifyPayment(order);
    return structuredClone(order);
  }

  fail(outTradeNo: string): SimulatedOrder {
    const order = this.#order(outTradeNo);
    this.store.move(order, 'PAYERROR');
    return structuredClone(order);
  }

  setUserPaying(outTradeNo: string): SimulatedOrder {
    const order = this.#order(outTradeNo);
    this.store.move(order, 'USERPAYING');
    return structuredClone(order);
  }

  expire(outTradeNo: string): SimulatedOrder {
    const order = this.#order(outTradeNo);
    this.store.move(order, 'CLOSED');
    return structuredClone(order);
  }

  completeRefund(
    outRefundNo: string,
    status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' = 'SUCCESS',
  ): SimulatedRefund {
    const refund = this.store.refund(outRefundNo);
    if (!refund) throw new Error(`simulator: no refund ${outRefundNo}`);
    if (refund.status !== 'PROCESSING') {
      throw new Error(`simulator: refund ${outRefundNo} is already ${refund.status}`);
    }
    this.store.settleRefund(refund, status);
    const order = this.#order(refund.outTradeNo);
    this.notifyRefund(order, refund);
    return structuredClone(refund);
  }

  refund(outRefundNo: string, status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): SimulatedRefund {
    return this.completeRefund(outRefundNo, status);
  }

  close(outTradeNo: string): SimulatedOrder {
    return this.expire(outTradeNo);
  }

  queueMicropayOutcome(...outcomes: MicropayOutcome[]): void {
    this.#micropay.push(...outcomes);
  }

  sendPaymentNotification(outTradeNo: string, options: NotifyOptions = {}): void {
    const order = this.#order(outTradeNo);
    if (order.paidAt === undefined) throw new Error(`simulator: order ${outTradeNo} is not paid`);
    this.notifyPayment(order, options);
  }

  advanceTime(ms: number): void {
    this.#offset += ms;
  }

  async rotatePlatformCertificate(): Promise<string> {
    const next = platformCertificate(await rsaKeyPair(), this.now());
    this.#platform.push(next);
    // WeChat lists the previous certificate during the switch-over; older ones drop off.
    while (this.#platform.length > 2) this.#platform.shift();
    return next.serial;
  }

  getOrder(outTradeNo: string): SimulatedOrder | undefined {
    const o = this.store.find(outTradeNo);
    return o && structuredClone(o);
  }

  getRefund(outRefundNo: string): SimulatedRefund | undefined {
    const r = this.store.refund(outRefundNo);
    return r && structuredClone(r);
  }

  async stop(): Promise<void> {
    this.notifications.stop();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://simulator');
    if (await serveDashboard(this, req, parsed, res)) return;
    if (parsed.pathname.startsWith('/__sim/')) {
      await handleControl(this, req.method ?? 'GET', parsed, body, res);
      return;
    }
    const protocol: 'v2' | 'v3' | undefined = parsed.pathname.startsWith('/v3/')
      ? 'v3'
      : V2_PATHS.has(parsed.pathname)
        ? 'v2'
        : undefined;
    if (!protocol) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const call: IncomingCall = {
      method: req.method ?? 'GET',
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: body.toString('utf8'),
    };
    const fault = this.faults.take(protocol, parsed.pathname);
    const record = (status: number | undefined) => {
      // Bounded so a long-running simulator (bin, benchmarks) does not grow without limit.
      if (this.requests.length >= MAX_LOGGED_REQUESTS)
        this.requests.splice(0, MAX_LOGGED_REQUESTS / 10);
      this.requests.push({
        protocol,
        method: call.method,
        url,
        path: call.path,
        headers: call.headers,
        body: call.body,
        ...(call.nonce ? { nonce: call.nonce } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(fault ? { fault: fault.kind } : {}),
        at: this.now(),
      });
      this.changes.emit({ kind: 'request' });
    };
    if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    if (fault?.kind === 'reset') {
      peekNonce(protocol, call);
      record(undefined);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      peekNonce(protocol, call);
      const status = fault.status ?? 500;
      record(status);
      this.#statusFault(res, protocol, status, fault);
      return;
    }
    if (res.destroyed || req.socket.destroyed) {
      record(undefined);
      return;
    }
    const reply =
      protocol === 'v2'
        ? this.tls && call.path.startsWith('/secapi/') && !this.#presentsMerchantCertificate(req)
          ? ({
              kind: 'v2',
              fields: { return_code: 'FAIL', return_msg: '证书验证失败，请求需携带商户API证书' },
              signType: undefined,
            } as const)
          : handleV2(this, call)
        : handleV3(this, call);
    const out = await this.#render(reply, fault);
    record(out.status);
    if (fault?.kind === 'truncate' && out.body.length > 1) {
      res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
      res.write(out.body.subarray(0, out.body.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
    res.end(out.body);
  }

  // mTLS for /secapi/*: the peer must present the merchant API certificate, issued by our CA.
  #presentsMerchantCertificate(req: IncomingMessage): boolean {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) return false;
    const peer = socket.getPeerCertificate();
    return peer?.serialNumber?.toUpperCase().replace(/^0+/, '') === this.creds.merchantSerial;
  }

  #statusFault(res: ServerResponse, protocol: 'v2' | 'v3', status: number, fault: AppliedFault) {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined)
      headers['Retry-After'] = String(fault.retryAfterSeconds);
    if (protocol === 'v2') {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>${status}</h1></body></html>`);
      return;
    }
    const code =
      fault.code ??
      (status === 429
        ? 'FREQUENCY_LIMITED'
        : status === 503 || status === 502
          ? 'SERVICE_UNAVAILABLE'
          : 'SYSTEM_ERROR');
    const body = JSON.stringify({ code, message: fault.message ?? '系统繁忙，请稍后重试' });
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Request-ID': requestId(),
    });
    res.end(body);
  }

  async #render(
    reply: Reply,
    fault: AppliedFault | undefined,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    if (reply.kind === 'raw') return reply;
    const spoil: SignatureSpoiler =
      fault?.kind === 'bad-signature'
        ? 'bad'
        : fault?.kind === 'probe-signature'
          ? 'probe'
          : undefined;
    const rewrite = fault?.kind === 'rewrite' ? fault.rewrite : undefined;
    if (reply.kind === 'v2') {
      let fields: Record<string, string | undefined> = { ...reply.fields };
      if (rewrite) {
        fields = Object.fromEntries(
          Object.entries(rewrite(fields)).map(([k, v]) => [
            k,
            v === undefined ? undefined : String(v),
          ]),
        );
      }
      if (reply.signType && fault?.kind !== 'unsigned') {
        // v2 has no probes or key ids: `probe-signature` signs with the other algorithm than the
        // request asked for, `unknown-key` with a key that is not the merchant's API key.
        const other = reply.signType === 'MD5' ? 'HMAC-SHA256' : 'MD5';
        const type = fault?.kind === 'probe-signature' ? other : reply.signType;
        const apiKey = fault?.kind === 'unknown-key' ? FOREIGN_API_KEY : this.creds.apiKey;
        fields.sign = signV2(fields, apiKey, type);
        if (fault?.kind === 'bad-signature') fields.sign = spoilV2Sign(fields.sign);
      }
      return {
        status: 200,
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: Buffer.from(buildXml(fields), 'utf8'),
      };
    }
    const json =
      rewrite && typeof reply.json === 'object' && reply.json !== null
        ? rewrite({ ...(reply.json as Record<string, unknown>) })
        : reply.json;
    const text = json === undefined ? '' : JSON.stringify(json);
    // `unknown-key`: a validly formed signature by a key the client cannot know.
    const key =
      fault?.kind === 'unknown-key'
        ? { privateKey: this.creds.merchantKeys.privateKey, serial: UNKNOWN_SERIAL }
        : this.signingKey(reply.serialHint);
    const skew = fault?.kind === 'skewed-timestamp' ? (fault.skewSeconds ?? -600) : 0;
    const signed = await signatureHeadersAsync(
      text,
      key.privateKey,
      key.serial,
      Math.floor(this.now() / 1000) + skew,
      spoil,
    );
    if (fault?.kind === 'unsigned') delete signed['Wechatpay-Signature'];
    return {
      status: reply.status,
      headers: {
        ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        ...signed,
        'Request-ID': requestId(),
        ...reply.headers,
      },
      body: Buffer.from(text, 'utf8'),
    };
  }
}

function spoilV2Sign(sign: string): string {
  const last = sign.at(-1) === 'A' ? 'B' : 'A';
  return `${sign.slice(0, -1)}${last}`;
}

// Fault paths skip the handlers, so the nonce is read here for the request log.
function peekNonce(protocol: 'v2' | 'v3', call: IncomingCall): void {
  if (protocol === 'v3') {
    const auth = call.headers.authorization;
    const m = /nonce_str="([^"]*)"/.exec(typeof auth === 'string' ? auth : '');
    if (m?.[1]) call.nonce = m[1];
  } else {
    const m = /<nonce_str>(?:<!\[CDATA\[)?([^<\]]*)/.exec(call.body);
    if (m?.[1]) call.nonce = m[1];
  }
}

function eventId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function requestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
