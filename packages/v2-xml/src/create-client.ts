import {
  type CallOptions,
  ConfigError,
  type NotificationRequest,
  type OrderRef,
  RefundNotFoundError,
  systemClock,
} from '@wxpay/core';
import {
  checkPartnerPayer,
  createTransport,
  parseInput,
  paymentCalls,
  randomNonce,
  resolveBackupBaseUrl,
  type Transport,
  unixSeconds,
} from '@wxpay/core/adapter';
import { z } from 'zod';
import { openBillStream } from './bill/download-bill.js';
import { billLines, parseBill } from './bill/map-bill.js';
import { type V2ClientConfig, validateConfig } from './config.js';
import { toPrepay, toUnifiedOrderFields } from './map-create-order.js';
import { toOrder, tradeStateOf } from './map-order.js';
import {
  refundQueryRefSchema,
  toRefundFields,
  toRefundFromReply,
  toRefundQueryFields,
  toRefundQueryResult,
} from './map-refund.js';
import { orderRefFields } from './micropay/map-micropay.js';
import { micropay } from './micropay/micropay.js';
import { reverseOrder } from './micropay/reverse-order.js';
import { reqInfoKey } from './notify/decrypt-req-info.js';
import { parseV2Notification } from './notify/parse-notification.js';
import {
  createV2SubMerchantClient,
  type V2ProviderParts,
} from './partner/create-sub-merchant-client.js';
import { callOptions, type PostContext, postV2 } from './request.js';
import { decodeWire } from './schemas/decode-wire.js';
import { isOrderQueryReply, orderQueryResponseSchema } from './schemas/transaction.js';
import type {
  Bill,
  DownloadBillParams,
  MicropayOptions,
  MicropayParams,
  ReverseOptions,
  V2Client,
} from './types.js';

/** The production API origin. */
export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';

const offsetSchema = z.number().int().min(0).optional();

/**
 * Creates a WeChat Pay v2 (XML) client. The configuration is validated at once
 * ({@link ConfigError} names the bad field); one keep-alive connection pool is created and
 * reused by every call; a second one, with the client certificate, on the first `/secapi` call.
 */
export function createV2Client(config: V2ClientConfig): V2Client {
  validateConfig(config);
  const signType = config.signType ?? 'MD5';
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const clock = config.clock ?? systemClock;
  const nonce = config.nonce ?? (() => randomNonce(32));
  const ctx: PostContext = {
    appId: config.appId,
    acceptedAppIds: config.acceptedAppIds,
    mchId: config.mchId,
    apiKey: config.apiKey,
    signType,
    baseUrl,
    backupBaseUrl: resolveBackupBaseUrl(baseUrl, config.backupBaseUrl),
    nonce,
    clock,
    timeoutMs: config.timeoutMs ?? 10_000,
    retry: config.retry,
    logger: config.logger,
  };
  const transport = createTransport(config.transport);
  let secureTransport: Transport | undefined;
  let closing: Promise<void> | undefined;
  const notificationKeys = {
    appId: config.appId,
    acceptedAppIds: config.acceptedAppIds,
    mchId: config.mchId,
    apiKey: config.apiKey,
    // Live notifications carry no sign_type, and some for HMAC-SHA256 merchants arrive
    // MD5-signed, so both are accepted by default (docs/protocol/live-behaviour.md).
    acceptedSignTypes: config.acceptedNotifySignTypes ?? ['MD5', 'HMAC-SHA256'],
    reqInfoKey: reqInfoKey(config.apiKey),
  };

  function secapi(): Transport {
    if (secureTransport) return secureTransport;
    // After close() no new pool is opened; the closed one fails the call.
    if (closing) return transport;
    if (!config.clientCertificate) {
      // A plain-HTTP simulator has no TLS to present a certificate over.
      if (baseUrl.startsWith('http://')) return transport;
      throw new ConfigError('clientCertificate is required for /secapi calls (refund, reverse)', [
        { path: 'clientCertificate', message: 'is required for /secapi calls' },
      ]);
    }
    secureTransport = createTransport({ ...config.transport, tls: config.clientCertificate });
    return secureTransport;
  }

  const billContext = { post: ctx, transport, retry: config.retry };
  // What every sub-merchant client shares with this one: built once, so forSubMerchant is cheap.
  const providerParts: V2ProviderParts = {
    post: ctx,
    transport,
    secapi,
    notifyUrl: config.notifyUrl,
    parseNotification: (request) => client.parseNotification(request),
  };

  const client: V2Client = {
    protocol: 'v2',

    ...paymentCalls({
      async createOrder(p, options) {
        checkPartnerPayer(
          p.kind === 'jsapi' || p.kind === 'miniprogram' ? p.payer : undefined,
          undefined,
        );
        const fields = toUnifiedOrderFields(p, { notifyUrl: config.notifyUrl });
        const raw = await postV2(ctx, '/pay/unifiedorder', fields, {
          transport,
          ...callOptions(options),
        });
        return toPrepay(p.kind, raw, {
          appId: config.appId,
          mchId: config.mchId,
          apiKey: config.apiKey,
          signType,
          timestamp: String(unixSeconds(clock)),
          nonceStr: nonce(),
        });
      },

      async queryOrder(r, options) {
        const raw = await postV2(ctx, '/pay/orderquery', orderRefFields(r), {
          transport,
          answer: r,
          ...callOptions(options),
        });
        // The usual reply passes the hand check; any other is decoded by zod (detailed error).
        if (!isOrderQueryReply(raw)) decodeWire(orderQueryResponseSchema, raw, 'orderquery reply');
        return toOrder(raw, tradeStateOf(raw));
      },

      // Closing a closed order is success: the caller's intent already holds. A failure that
      // leaves the outcome unclear is settled by a query (paid → OrderPaidError).
      async closeOrder(no, options) {
        await postV2(ctx, '/pay/closeorder', orderRefFields({ outTradeNo: no }), {
          transport,
          acceptErrCodes: ['ORDERCLOSED', 'ORDER_CLOSED'],
          ...callOptions(options),
        });
      },
      // v2 documents ORDERPAID for a paid order, so a success answer is taken as closed.
      confirmClose: false,

      async refund(p, options) {
        const raw = await postV2(
          ctx,
          '/secapi/pay/refund',
          toRefundFields(p, { notifyUrl: config.notifyUrl }),
          {
            transport: secapi(),
            answer: { ...p.order, outRefundNo: p.outRefundNo },
            ...callOptions(options),
          },
        );
        return toRefundFromReply(raw);
      },

      async queryRefund(no, options) {
        const result = await client.queryRefunds({ outRefundNo: no }, options);
        const refund = result.refunds.find((r) => r.outRefundNo === no);
        if (!refund) {
          throw new RefundNotFoundError(`refund ${no} is not in the refundquery reply`, {
            code: 'REFUNDNOTEXIST',
            raw: result.raw,
          });
        }
        return refund;
      },
    }),

    async queryRefunds(ref, options) {
      const r = parseInput(refundQueryRefSchema, ref, 'refund reference');
      const offset = parseInput(offsetSchema, options?.offset, 'offset');
      const raw = await postV2(ctx, '/pay/refundquery', toRefundQueryFields(r, offset), {
        transport,
        answer: r,
        ...callOptions(options),
      });
      return toRefundQueryResult(raw);
    },

    micropay(params: MicropayParams, options?: MicropayOptions) {
      return micropay(ctx, transport, client, params, options);
    },

    async reverseOrder(ref: OrderRef, options?: ReverseOptions) {
      return reverseOrder(ctx, secapi(), ref, options);
    },

    async downloadBill(params: DownloadBillParams, options?: CallOptions): Promise<Bill> {
      return parseBill(await openBillStream(billContext, params, options));
    },

    async streamBill(params: DownloadBillParams, options?: CallOptions) {
      return billLines(await openBillStream(billContext, params, options));
    },

    async parseNotification(request: NotificationRequest) {
      return parseV2Notification(request, notificationKeys);
    },

    forSubMerchant(subMerchant) {
      return createV2SubMerchantClient(providerParts, subMerchant);
    },

    async close() {
      // Idempotent: undici throws when a closed Agent is closed again.
      closing ??= Promise.all([transport.close(), secureTransport?.close()]).then(() => undefined);
      await closing;
    },
  };
  return client;
}
