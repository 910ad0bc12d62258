import {
  type CallOptions,
  MalformedMessageError,
  type NotificationRequest,
  type Order,
  type PaymentNotification,
  type Prepay,
  type Refund,
  systemClock,
  ValidationError,
} from '@wxpay/core';
import { createTransport, paymentCalls, randomNonce, unixSeconds } from '@wxpay/core/adapter';
import { downloadBill } from './bill/download-bill.js';
import { toFundFlowBillApplication, toTradeBillApplication } from './bill/map-bill.js';
import { downloadCertificates } from './certificates/download-certificates.js';
import { TrustStore } from './certificates/trust-store.js';
import { checkAnswer } from './check-answer.js';
import { resolveV3Config, type V3ClientConfig } from './config.js';
import { decryptOaep, encryptOaep } from './crypto/rsa-oaep.js';
import { toPrepay, toWireOrderRequest } from './map-create-order.js';
import { toOrder } from './map-order.js';
import { toRefund, toWireRefundRequest } from './map-refund.js';
import { parseV3Notification } from './notify/parse-notification.js';
import {
  createV3SubMerchantClient,
  type V3ProviderParts,
} from './partner/create-sub-merchant-client.js';
import { createV3Requester } from './request.js';
import { parseJson } from './schemas/decode-wire.js';
import { buildAppConfig, buildBridgeConfig } from './signing/client-params.js';
import type { V3Client, V3RawRequest, V3RawResponse } from './types.js';
import { VERSION } from './version.js';

const USER_AGENT = `wxpay-v3-json/${VERSION} node/${process.versions.node}`;

/**
 * Creates a WeChat Pay v3 client. Keys are parsed once; one keep-alive transport is shared by
 * every call; every answer and notification is verified before it is trusted.
 */
export function createV3Client(config: V3ClientConfig): V3Client {
  const resolved = resolveV3Config(config);
  const clock = config.clock ?? systemClock;
  const nonce = config.nonce ?? (() => randomNonce());
  const transport = createTransport(config.transport ?? {});
  const { mchId, appId, acceptedAppIds, privateKey } = resolved;

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

  const clientParams = {
    bridge: (prepayId: string) => {
      const timestamp = String(unixSeconds(clock));
      return buildBridgeConfig(privateKey, { appId, prepayId, timestamp, nonceStr: nonce() });
    },
    app: (prepayId: string) => {
      const timestamp = String(unixSeconds(clock));
      return buildAppConfig(privateKey, mchId, { appId, prepayId, timestamp, nonceStr: nonce() });
    },
  };

  // What every sub-merchant client shares with this one: built once, so forSubMerchant is cheap.
  const providerParts: V3ProviderParts = {
    appId,
    mchId,
    notifyUrl: resolved.notifyUrl,
    getJson,
    postJson,
    bridge: (forAppId, prepayId) =>
      buildBridgeConfig(privateKey, {
        appId: forAppId,
        prepayId,
        timestamp: String(unixSeconds(clock)),
        nonceStr: nonce(),
      }),
    app: (forAppId, partnerId, prepayId) =>
      buildAppConfig(privateKey, partnerId, {
        appId: forAppId,
        prepayId,
        timestamp: String(unixSeconds(clock)),
        nonceStr: nonce(),
      }),
    parseNotification: (request) => client.parseNotification(request),
  };

  let closing: Promise<void> | undefined;
  const billContext = {
    requester,
    transport,
    baseUrl: resolved.baseUrl,
    backupBaseUrl: resolved.backupBaseUrl,
    logger: config.logger,
    billDownloadHosts: resolved.billDownloadHosts,
    userAgent: USER_AGENT,
    retry: config.retry,
    now: () => clock.now(),
  };

  const client: V3Client = {
    protocol: 'v3',

    ...paymentCalls({
      async createOrder(valid, options): Promise<Prepay> {
        const wire = toWireOrderRequest(valid, { appId, mchId, notifyUrl: resolved.notifyUrl });
        const data = await postJson(wire.path, wire.body, 'order', options);
        return toPrepay(valid.kind, data, clientParams);
      },

      async queryOrder(valid, options): Promise<Order> {
        const path =
          'transactionId' in valid
            ? `/v3/pay/transactions/id/${encodeURIComponent(valid.transactionId)}?mchid=${mchId}`
            : `/v3/pay/transactions/out-trade-no/${encodeURIComponent(valid.outTradeNo)}?mchid=${mchId}`;
        const data = await getJson(path, 'order', options);
        checkAnswer(data, { mchId, appId, acceptedAppIds, ...valid });
        return toOrder(data);
      },

      async closeOrder(valid, options): Promise<void> {
        await postJson(
          `/v3/pay/transactions/out-trade-no/${encodeURIComponent(valid)}/close`,
          { mchid: mchId },
          'order',
          options,
        );
      },
      // Live close answers 204 for unknown and closed orders, and the docs name no answer for
      // a paid one, so the order is queried after the close (docs/protocol/live-behaviour.md).
      confirmClose: true,

      async refund(valid, options): Promise<Refund> {
        const body = toWireRefundRequest(valid, resolved.notifyUrl);
        const data = await postJson('/v3/refund/domestic/refunds', body, 'order', options);
        checkAnswer(data, {
          mchId,
          appId,
          acceptedAppIds,
          ...valid.order,
          outRefundNo: valid.outRefundNo,
        });
        return toRefund(data);
      },

      async queryRefund(valid, options): Promise<Refund> {
        const path = `/v3/refund/domestic/refunds/${encodeURIComponent(valid)}`;
        const data = await getJson(path, 'refund', options);
        checkAnswer(data, { mchId, appId, acceptedAppIds, outRefundNo: valid });
        return toRefund(data);
      },
    }),

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
          appId,
          acceptedAppIds,
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
      const { path, gzip } = toTradeBillApplication(params);
      return downloadBill(billContext, path, gzip, options);
    },

    async downloadFundFlowBill(params, options) {
      const { path, gzip } = toFundFlowBillApplication(params);
      return downloadBill(billContext, path, gzip, options);
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

    forSubMerchant(subMerchant) {
      return createV3SubMerchantClient(providerParts, subMerchant);
    },

    close() {
      closing ??= transport.close();
      return closing;
    },
  };

  return client;
}
