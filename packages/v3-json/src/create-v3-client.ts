import {
  type AppConfig,
  type BridgeConfig,
  type CallOptions,
  createOrderParamsSchema,
  createTransport,
  MalformedMessageError,
  type NotificationRequest,
  type Order,
  OrderClosedError,
  type OrderRef,
  orderRefSchema,
  outRefundNoSchema,
  outTradeNoSchema,
  type PaymentClient,
  type PaymentNotification,
  type Prepay,
  parseInput,
  type Refund,
  type RefundParams,
  randomNonce,
  refundParamsSchema,
  settleClose,
  systemClock,
  unixSeconds,
  ValidationError,
} from '@wxpay/core';
import { z } from 'zod';
import { type BillDownload, downloadBill } from './bill/download-bill.js';
import { downloadCertificates } from './certificates/download-certificates.js';
import { TrustStore } from './certificates/trust-store.js';
import { resolveV3Config, type V3ClientConfig } from './config.js';
import { decryptOaep, encryptOaep } from './crypto/rsa-oaep.js';
import { toWireOrderRequest } from './map-create-order.js';
import { toOrder } from './map-order.js';
import { toRefund, toWireRefundRequest } from './map-refund.js';
import { parseV3Notification } from './notify/parse-notification.js';
import { createV3Requester } from './request-v3.js';
import { decodeWire, parseJson } from './schemas/decode-wire.js';
import {
  codeUrlResponseSchema,
  h5UrlResponseSchema,
  prepayIdResponseSchema,
} from './schemas/misc.js';
import { buildPaySignMessage } from './signing/build-message.js';
import { signMessage } from './signing/sign.js';

/** Parameters of {@link V3Client.downloadTradeBill}. */
export interface TradeBillParams {
  /** `YYYY-MM-DD` (Beijing date). */
  readonly billDate: string;
  /** Default `ALL`. */
  readonly billType?: 'ALL' | 'SUCCESS' | 'REFUND';
  /** Ask WeChat Pay for a gzip file (smaller transfer); the stream is decompressed for you. */
  readonly gzip?: boolean;
}

/** Parameters of {@link V3Client.downloadFundFlowBill}. */
export interface FundFlowBillParams {
  /** `YYYY-MM-DD` (Beijing date). */
  readonly billDate: string;
  /** Default `BASIC`. */
  readonly accountType?: 'BASIC' | 'OPERATION' | 'FEES';
  readonly gzip?: boolean;
}

/** A sensitive field encrypted for WeChat Pay. */
export interface SensitiveCiphertext {
  /** Base64 RSA-OAEP ciphertext, the field's value. */
  readonly ciphertext: string;
  /** Send as the `Wechatpay-Serial` header of the request carrying the field. */
  readonly serial: string;
}

/** A platform certificate the client currently trusts. */
export interface PlatformCertificateInfo {
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pem: string;
}

/** A raw signed call for v3 endpoints this client has no method for. */
export interface V3RawRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/v3/pay/transactions/id/42…?mchid=…`. */
  readonly path: string;
  /** Serialized as JSON. */
  readonly body?: unknown;
  /** Extra headers, e.g. `Wechatpay-Serial` from {@link V3Client.encryptSensitive}. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The verified answer of {@link V3Client.request}. */
export interface V3RawResponse<T> {
  readonly status: number;
  /** Parsed JSON, or `undefined` for an empty body (204). */
  readonly data: T | undefined;
  readonly requestId?: string;
}

/** The v3 client: the neutral {@link PaymentClient} plus v3-only calls. */
export interface V3Client extends PaymentClient {
  readonly protocol: 'v3';
  /** Applies for and streams a trade bill; the SHA-1 is checked at the end of the stream. */
  downloadTradeBill(params: TradeBillParams, options?: CallOptions): Promise<BillDownload>;
  /** Applies for and streams a fund-flow bill; the SHA-1 is checked at the end of the stream. */
  downloadFundFlowBill(params: FundFlowBillParams, options?: CallOptions): Promise<BillDownload>;
  /** RSA-OAEP encrypts a sensitive request field with the WeChat Pay key to send with it. */
  encryptSensitive(plaintext: string): Promise<SensitiveCiphertext>;
  /** Decrypts a sensitive response field with the merchant private key. */
  decryptSensitive(ciphertext: string): string;
  /** Downloads the platform certificates now (certificate mode) and returns those held. */
  refreshCertificates(options?: CallOptions): Promise<readonly PlatformCertificateInfo[]>;
  /** Sends any signed v3 request; a 2xx answer is verified like every other call. */
  request<T = unknown>(request: V3RawRequest, options?: CallOptions): Promise<V3RawResponse<T>>;
  /** Closes the keep-alive connections. The client must not be used afterwards. */
  close(): Promise<void>;
}

const USER_AGENT = `wxpay-v3-json/0.1.0 node/${process.versions.node}`;
const billDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const tradeBillSchema = z
  .object({
    billDate: billDateSchema,
    billType: z.enum(['ALL', 'SUCCESS', 'REFUND']).optional(),
    gzip: z.boolean().optional(),
  })
  .strict();
const fundFlowBillSchema = z
  .object({
    billDate: billDateSchema,
    accountType: z.enum(['BASIC', 'OPERATION', 'FEES']).optional(),
    gzip: z.boolean().optional(),
  })
  .strict();

/**
 * Creates a WeChat Pay v3 client. Keys are parsed once; one keep-alive transport is shared by
 * every call; every answer and notification is verified before it is trusted.
 */
export function createV3Client(config: V3ClientConfig): V3Client {
  const resolved = resolveV3Config(config);
  const clock = config.clock ?? systemClock;
  const nonce = config.nonce ?? (() => randomNonce());
  const transport = createTransport(config.transport ?? {});
  const { mchId, appId, privateKey } = resolved;

  // The trust store and the requester refer to each other: the store downloads through the
  // requester; the requester verifies through the store.
  const trust: TrustStore = new TrustStore({
    publicKey: resolved.wechatpayPublicKey,
    mode: resolved.platformCertificates,
    clock,
    logger: config.logger,
    download: (store) =>
      downloadCertificates(requester, resolved.apiV3Key, store, () => clock.now()),
  });
  const requester = createV3Requester({
    baseUrl: resolved.baseUrl,
    backupBaseUrl: resolved.backupBaseUrl,
    mchId,
    certificateSerial: resolved.certificateSerial,
    privateKey,
    transport,
    clock,
    nonce,
    logger: config.logger,
    retry: config.retry,
    timeoutMs: resolved.timeoutMs,
    userAgent: USER_AGENT,
    resolveKey: (serial) => trust.resolveKey(serial),
    preferredSerial: () => trust.preferredSerial(),
  });

  async function getJson(
    path: string,
    context: 'order' | 'refund' | 'other',
    options?: CallOptions,
  ) {
    const response = await requester.send(
      { method: 'GET', path, context, idempotent: true },
      options,
    );
    return parseJson(response.body, `response of GET ${path.split('?')[0]}`);
  }

  async function postJson(
    path: string,
    body: unknown,
    context: 'order' | 'refund' | 'other',
    options?: CallOptions,
  ) {
    const response = await requester.send(
      { method: 'POST', path, body: JSON.stringify(body), context, idempotent: true },
      options,
    );
    return response.body.length === 0
      ? undefined
      : parseJson(response.body, `response of POST ${path}`);
  }

  async function bridgeConfig(prepayId: string): Promise<BridgeConfig> {
    const timeStamp = String(unixSeconds(clock));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    const paySign = await signMessage(
      privateKey,
      buildPaySignMessage(appId, timeStamp, nonceStr, pkg),
    );
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async function appConfig(prepayId: string): Promise<AppConfig> {
    const timestamp = String(unixSeconds(clock));
    const noncestr = nonce();
    const sign = await signMessage(
      privateKey,
      buildPaySignMessage(appId, timestamp, noncestr, prepayId),
    );
    return {
      appid: appId,
      partnerid: mchId,
      prepayid: prepayId,
      package: 'Sign=WXPay',
      noncestr,
      timestamp,
      sign,
    };
  }

  let closing: Promise<void> | undefined;
  const billContext = {
    requester,
    transport,
    baseUrl: resolved.baseUrl,
    backupBaseUrl: resolved.backupBaseUrl,
    billDownloadHosts: resolved.billDownloadHosts,
    userAgent: USER_AGENT,
    retry: config.retry,
    now: () => clock.now(),
  };

  const client: V3Client = {
    protocol: 'v3',

    async createOrder(params, options): Promise<Prepay> {
      const valid = parseInput(createOrderParamsSchema, params, 'createOrder params');
      const wire = toWireOrderRequest(valid, { appId, mchId, notifyUrl: resolved.notifyUrl });
      const data = await postJson(wire.path, wire.body, 'order', options);
      switch (valid.kind) {
        case 'jsapi':
        case 'miniprogram': {
          const { prepay_id } = decodeWire(prepayIdResponseSchema, data, 'prepay response');
          return {
            kind: valid.kind,
            prepayId: prepay_id,
            bridgeConfig: await bridgeConfig(prepay_id),
          };
        }
        case 'app': {
          const { prepay_id } = decodeWire(prepayIdResponseSchema, data, 'prepay response');
          return { kind: 'app', prepayId: prepay_id, appConfig: await appConfig(prepay_id) };
        }
        case 'native': {
          const { code_url } = decodeWire(codeUrlResponseSchema, data, 'native prepay response');
          return { kind: 'native', codeUrl: code_url };
        }
        case 'h5': {
          const { h5_url } = decodeWire(h5UrlResponseSchema, data, 'h5 prepay response');
          return { kind: 'h5', h5Url: h5_url };
        }
      }
    },

    async queryOrder(ref: OrderRef, options): Promise<Order> {
      const valid = parseInput(orderRefSchema, ref, 'order reference');
      const path =
        'transactionId' in valid
          ? `/v3/pay/transactions/id/${encodeURIComponent(valid.transactionId)}?mchid=${mchId}`
          : `/v3/pay/transactions/out-trade-no/${encodeURIComponent(valid.outTradeNo)}?mchid=${mchId}`;
      return toOrder(await getJson(path, 'order', options));
    },

    async closeOrder(outTradeNo, options): Promise<void> {
      const valid = parseInput(outTradeNoSchema, outTradeNo, 'outTradeNo');
      // Live close answers 204 for unknown and closed orders, and the docs name no answer for
      // a paid one, so the order is queried after the close (docs/protocol/live-behaviour.md).
      await settleClose({
        close: async () => {
          try {
            await postJson(
              `/v3/pay/transactions/out-trade-no/${encodeURIComponent(valid)}/close`,
              { mchid: mchId },
              'order',
              options,
            );
          } catch (error) {
            // Closing a closed order is the outcome the caller wanted (PaymentClient contract).
            if (OrderClosedError.isInstance(error)) return;
            throw error;
          }
        },
        query: () => client.queryOrder({ outTradeNo: valid }, options),
        confirmSuccess: true,
      });
    },

    async refund(params: RefundParams, options): Promise<Refund> {
      const valid = parseInput(refundParamsSchema, params, 'refund params');
      const body = toWireRefundRequest(valid, resolved.notifyUrl);
      return toRefund(await postJson('/v3/refund/domestic/refunds', body, 'order', options));
    },

    async queryRefund(outRefundNo, options): Promise<Refund> {
      const valid = parseInput(outRefundNoSchema, outRefundNo, 'outRefundNo');
      return toRefund(
        await getJson(
          `/v3/refund/domestic/refunds/${encodeURIComponent(valid)}`,
          'refund',
          options,
        ),
      );
    },

    async parseNotification(request: NotificationRequest): Promise<PaymentNotification> {
      if (
        typeof request !== 'object' ||
        request === null ||
        typeof request.headers !== 'object' ||
        request.headers === null ||
        !(typeof request.body === 'string' || request.body instanceof Uint8Array)
      ) {
        throw new MalformedMessageError(
          'parseNotification needs { headers, body } with the raw body as a string or bytes',
        );
      }
      return parseV3Notification(
        {
          apiV3Key: resolved.apiV3Key,
          mchId,
          clock,
          resolveKey: (serial) => trust.resolveKey(serial, 'notification'),
          // While WeChat Pay moves a merchant to the public key it signs callbacks with either
          // key at random (docs/protocol/live-behaviour.md, notifications).
          missingKeyHint: (serial) =>
            trust.mode === 'off' && !serial.startsWith('PUB_KEY_ID_')
              ? "signed with a platform certificate, which a client with only the public key cannot verify; while WeChat Pay migrates a merchant it signs callbacks with either key, so set platformCertificates: 'auto' too"
              : undefined,
        },
        request,
      );
    },

    async downloadTradeBill(params, options) {
      const valid = parseInput(tradeBillSchema, params, 'trade bill params');
      const query = new URLSearchParams({ bill_date: valid.billDate });
      if (valid.billType) query.set('bill_type', valid.billType);
      if (valid.gzip) query.set('tar_type', 'GZIP');
      return downloadBill(
        billContext,
        `/v3/bill/tradebill?${query.toString()}`,
        valid.gzip ?? false,
        options,
      );
    },

    async downloadFundFlowBill(params, options) {
      const valid = parseInput(fundFlowBillSchema, params, 'fund-flow bill params');
      const query = new URLSearchParams({ bill_date: valid.billDate });
      if (valid.accountType) query.set('account_type', valid.accountType);
      if (valid.gzip) query.set('tar_type', 'GZIP');
      return downloadBill(
        billContext,
        `/v3/bill/fundflowbill?${query.toString()}`,
        valid.gzip ?? false,
        options,
      );
    },

    async encryptSensitive(plaintext) {
      if (typeof plaintext !== 'string') {
        throw new ValidationError('encryptSensitive needs a string', [
          { path: 'plaintext', message: 'must be a string' },
        ]);
      }
      const { serial, key } = await trust.encryptionKey();
      return { ciphertext: encryptOaep(key, plaintext), serial };
    },

    decryptSensitive(ciphertext) {
      return decryptOaep(privateKey, ciphertext);
    },

    async refreshCertificates() {
      await trust.refresh();
      return trust.certificates().map(({ serial, notBefore, notAfter, pem }) => ({
        serial,
        notBefore,
        notAfter,
        pem,
      }));
    },

    async request<T>(raw: V3RawRequest, options?: CallOptions): Promise<V3RawResponse<T>> {
      if (!/^\/v3\//.test(raw.path)) {
        throw new ValidationError('request path must start with /v3/', [
          { path: 'path', message: 'must start with /v3/' },
        ]);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw.headers ?? {})) {
        headers[name.toLowerCase()] = value;
      }
      const response = await requester.send(
        {
          method: raw.method,
          path: raw.path,
          ...(raw.body !== undefined ? { body: JSON.stringify(raw.body) } : {}),
          headers,
          context: 'other',
          idempotent: raw.method === 'GET',
        },
        options,
      );
      const requestId = response.headers['request-id'];
      return {
        status: response.status,
        data: response.body.length === 0 ? undefined : (parseJson(response.body, 'response') as T),
        ...(requestId ? { requestId } : {}),
      };
    },

    close() {
      closing ??= transport.close();
      return closing;
    },
  };

  return client;
}
