import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  ApiError,
  awaitFinalState,
  type CallOptions,
  ConfigError,
  createOrderParamsSchema,
  createTransport,
  MalformedMessageError,
  type NotificationRequest,
  type OrderRef,
  orderRefSchema,
  outRefundNoSchema,
  outTradeNoSchema,
  parseInput,
  RefundNotFoundError,
  ResponseTooLargeError,
  randomNonce,
  refundParamsSchema,
  resolveBackupBaseUrl,
  settleClose,
  sleep,
  systemClock,
  type Transport,
  toTransportError,
  transactionIdSchema,
  UserPayingError,
  unixSeconds,
  WxPayError,
  withRetry,
} from '@wxpay/core';
import { z } from 'zod';
import { billLines, parseBill, toDownloadBillFields } from './map-bill.js';
import { toPrepay, toUnifiedOrderFields } from './map-create-order.js';
import { httpStatusError, returnFailError } from './map-error.js';
import { orderRefFields, toMicropayFields, wantsRecall } from './map-micropay.js';
import { toOrder, tradeStateOf } from './map-order.js';
import {
  toRefundFields,
  toRefundFromReply,
  toRefundQueryFields,
  toRefundQueryResult,
} from './map-refund.js';
import { signedBody } from './map-request.js';
import { reqInfoKey } from './notify/decrypt-req-info.js';
import { parseV2Notification } from './notify/parse-notification.js';
import { type PostContext, postV2 } from './post-v2.js';
import { decodeWire } from './schemas/decode.js';
import { micropayResponseSchema, orderQueryResponseSchema } from './schemas/wire.js';
import type {
  Bill,
  DownloadBillParams,
  MicropayOptions,
  MicropayParams,
  RefundQueryRef,
  ReverseOptions,
  V2Client,
  V2ClientConfig,
  V2Order,
} from './v2-types.js';
import { validateConfig } from './validate-config.js';
import { parseXml } from './xml/parse-xml.js';

/** The production API origin. */
export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';

const refundQueryRefSchema: z.ZodType<RefundQueryRef> = z.union([
  z.object({ refundId: z.string().min(1).max(32) }).strict(),
  z.object({ outRefundNo: outRefundNoSchema }).strict(),
  z.object({ transactionId: transactionIdSchema }).strict(),
  z.object({ outTradeNo: outTradeNoSchema }).strict(),
]);
const offsetSchema = z.number().int().min(0).optional();
const billSchema = z
  .object({
    billDate: z.string().regex(/^\d{8}$/, 'must be yyyyMMdd'),
    billType: z.enum(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND']).optional(),
    gzip: z.boolean().optional(),
    maxBytes: z.number().int().positive().optional(),
  })
  .strict();
const BILL_ERROR_CAP = 64 * 1024;
const DEFAULT_BILL_MAX_BYTES = 1024 * 1024 * 1024;

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

  async function openBillStream(
    params: DownloadBillParams,
    options?: CallOptions,
  ): Promise<AsyncIterable<Buffer>> {
    const p = parseInput(billSchema, params, 'downloadBill params');
    const fields = toDownloadBillFields(p as DownloadBillParams);
    return withRetry(
      async ({ signal }) => {
        const response = await transport.stream({
          url: `${baseUrl}/pay/downloadbill`,
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: signedBody(ctx, fields),
          signal,
        });
        if (response.status !== 200) {
          discard(response.body);
          throw httpStatusError(response.status);
        }
        return openBill(response.body, p.maxBytes ?? DEFAULT_BILL_MAX_BYTES);
      },
      {
        policy: config.retry ?? {},
        signal: options?.signal,
        // The attempt's signal also governs the body stream, so the client-wide timeout
        // (sized for small replies) does not apply to a bill; undici's idle timeouts do.
        attemptTimeoutMs: options?.timeoutMs,
      },
    );
  }

  const callOpts = (options: CallOptions | undefined) => ({
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });

  const client: V2Client = {
    protocol: 'v2',

    async createOrder(params, options) {
      const p = parseInput(createOrderParamsSchema, params, 'createOrder params');
      const fields = toUnifiedOrderFields(p, { notifyUrl: config.notifyUrl });
      const raw = await postV2(ctx, '/pay/unifiedorder', fields, {
        transport,
        ...callOpts(options),
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

    async queryOrder(ref, options) {
      const r = parseInput(orderRefSchema, ref, 'order reference');
      const raw = await postV2(ctx, '/pay/orderquery', orderRefFields(r), {
        transport,
        ...callOpts(options),
      });
      decodeWire(orderQueryResponseSchema, raw, 'orderquery reply');
      return toOrder(raw, tradeStateOf(raw));
    },

    async closeOrder(outTradeNo, options) {
      const no = parseInput(outTradeNoSchema, outTradeNo, 'outTradeNo');
      // Closing a closed order is success: the caller's intent already holds. A failure that
      // leaves the outcome unclear is settled by a query (paid → OrderPaidError).
      await settleClose({
        close: async () => {
          await postV2(ctx, '/pay/closeorder', orderRefFields({ outTradeNo: no }), {
            transport,
            acceptErrCodes: ['ORDERCLOSED', 'ORDER_CLOSED'],
            ...callOpts(options),
          });
        },
        query: () => client.queryOrder({ outTradeNo: no }, options),
        // v2 documents ORDERPAID for a paid order, so a success answer is taken as closed.
        confirmSuccess: false,
      });
    },

    async refund(params, options) {
      const p = parseInput(refundParamsSchema, params, 'refund params');
      const raw = await postV2(
        ctx,
        '/secapi/pay/refund',
        toRefundFields(p, { notifyUrl: config.notifyUrl }),
        {
          transport: secapi(),
          ...callOpts(options),
        },
      );
      return toRefundFromReply(raw);
    },

    async queryRefund(outRefundNo, options) {
      const no = parseInput(outRefundNoSchema, outRefundNo, 'outRefundNo');
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

    async queryRefunds(ref, options) {
      const r = parseInput(refundQueryRefSchema, ref, 'refund reference');
      const offset = parseInput(offsetSchema, options?.offset, 'offset');
      const raw = await postV2(ctx, '/pay/refundquery', toRefundQueryFields(r, offset), {
        transport,
        ...callOpts(options),
      });
      return toRefundQueryResult(raw);
    },

    async micropay(params: MicropayParams, options?: MicropayOptions) {
      const fields = toMicropayFields(params);
      try {
        // Not retried blindly: a repeated charge must go through query/reverse instead.
        const raw = await postV2(ctx, '/pay/micropay', fields, {
          transport,
          idempotent: false,
          ...callOpts(options),
        });
        decodeWire(micropayResponseSchema, raw, 'micropay reply');
        return toOrder(raw, 'SUCCESS');
      } catch (error) {
        const wait = options?.awaitUserPaying;
        const pending =
          UserPayingError.isInstance(error) || (WxPayError.isInstance(error) && error.retryable);
        if (!wait || !pending) throw error;
        const waitOptions = wait === true ? {} : wait;
        // awaitFinalState polls client.queryOrder, so what it returns is a V2Order.
        const order = await awaitFinalState(
          client,
          { outTradeNo: params.outTradeNo },
          {
            ...waitOptions,
            ...(options?.signal && !waitOptions.signal ? { signal: options.signal } : {}),
          },
        );
        return order as V2Order;
      }
    },

    async reverseOrder(ref: OrderRef, options?: ReverseOptions) {
      const r = parseInput(orderRefSchema, ref, 'order reference');
      const maxRecalls = Math.max(0, Math.min(options?.maxRecalls ?? 5, 20));
      const delayMs = options?.recallDelayMs ?? 1_000;
      const secure = secapi();
      for (let calls = 1; ; calls++) {
        let raw: Readonly<Record<string, unknown>>;
        let failure: unknown;
        try {
          raw = await postV2(ctx, '/secapi/pay/reverse', orderRefFields(r), {
            transport: secure,
            ...callOpts(options),
          });
        } catch (error) {
          if (!(ApiError.isInstance(error) && wantsRecall(error.raw))) throw error;
          raw = error.raw as Readonly<Record<string, unknown>>;
          failure = error;
        }
        const recall = wantsRecall(raw);
        if (!recall) {
          if (failure) throw failure;
          return { recall: false, calls, raw };
        }
        if (calls > maxRecalls) return { recall: true, calls, raw };
        await sleep(delayMs, options?.signal);
      }
    },

    async downloadBill(params: DownloadBillParams, options?: CallOptions): Promise<Bill> {
      return parseBill(await openBillStream(params, options));
    },

    async streamBill(params: DownloadBillParams, options?: CallOptions) {
      return billLines(await openBillStream(params, options));
    },

    async parseNotification(request: NotificationRequest) {
      return parseV2Notification(request, notificationKeys);
    },

    async close() {
      // Idempotent: undici throws when a closed Agent is closed again.
      closing ??= Promise.all([transport.close(), secureTransport?.close()]).then(() => undefined);
      await closing;
    },
  };
  return client;
}

/** Drops a response body we will not read; undici reports that as an error, which we expect. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * Passes chunks through, failing once more than `limit` bytes went by (gzip bombs). Failures of
 * the source become wxpay errors: corrupt gzip a MalformedMessageError, the rest (a dropped
 * connection) a ConnectionError.
 */
async function* capped(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw new ResponseTooLargeError(limit);
      yield chunk;
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new MalformedMessageError(`bill is not valid gzip (${code})`);
    }
    throw toTransportError(error);
  }
}

/**
 * Looks at the first bytes of a bill download: an XML body (leading `<`) is a failure reply
 * (unsigned, `return_code=FAIL`); gzip magic is decompressed; anything else is the CSV itself.
 * The returned stream is capped at `maxBytes` (after decompression).
 */
async function openBill(body: Readable, maxBytes: number): Promise<AsyncIterable<Buffer>> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return Readable.from([]);
  const head: Buffer = first.value;
  const rest = async function* () {
    try {
      yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // A consumer that stops early releases the connection.
      await iterator.return?.();
    }
  };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    // pipeline, not pipe: a network failure must reach the reader as an error, not a hang.
    pipeline(Readable.from(rest()), gunzip, () => {});
    return capped(gunzip, maxBytes);
  }
  const start = head.toString('utf8', 0, Math.min(head.length, 16)).replace(/^\uFEFF?\s*/, '');
  if (start.startsWith('<')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of rest()) {
      size += chunk.length;
      if (size > BILL_ERROR_CAP) {
        throw new MalformedMessageError('bill download failed with an oversized XML reply');
      }
      chunks.push(chunk);
    }
    const raw = parseXml(Buffer.concat(chunks), { maxBytes: BILL_ERROR_CAP });
    throw returnFailError(raw, 200);
  }
  return capped(rest(), maxBytes);
}
