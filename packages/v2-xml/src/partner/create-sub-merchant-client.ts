import { RefundNotFoundError, type SubMerchant, type SubMerchantClient } from '@wxpay/core';
import {
  checkPartnerPayer,
  payingAppId,
  type SubMerchantSteps,
  subMerchantClient,
  type Transport,
  unixSeconds,
} from '@wxpay/core/adapter';
import type { V2AnswerBinding } from '../check-answer.js';
import { toPrepay, toUnifiedOrderFields } from '../map-create-order.js';
import { toOrder, tradeStateOf } from '../map-order.js';
import {
  toRefundFields,
  toRefundFromReply,
  toRefundQueryFields,
  toRefundQueryResult,
} from '../map-refund.js';
import { orderRefFields } from '../micropay/map-micropay.js';
import { callOptions, type PostContext, postV2 } from '../request.js';
import { decodeWire } from '../schemas/decode-wire.js';
import { orderQueryResponseSchema } from '../schemas/transaction.js';
import { partnerRequestFields } from './map-partner.js';

/** What a sub-merchant client shares with the provider's client (built once per provider client). */
export interface V2ProviderParts extends Pick<SubMerchantSteps, 'parseNotification'> {
  readonly post: PostContext;
  readonly transport: Transport;
  /** The client-certificate pool for `/secapi` calls. */
  secapi(): Transport;
  readonly notifyUrl: string | undefined;
}

/**
 * A v2 `PaymentClient` scoped to one sub-merchant (partner mode, docs/protocol/partner.md):
 * every call carries `sub_mch_id` (and `sub_appid` when set) next to the provider's `appid` and
 * `mch_id`, signed with the provider's API key over the provider's connection pools. Creating
 * one allocates nothing but this object.
 */
export function createV2SubMerchantClient(
  parts: V2ProviderParts,
  subMerchant: SubMerchant,
): SubMerchantClient {
  const { post: ctx, transport } = parts;
  return subMerchantClient('v2', subMerchant, (sub) => {
    const scoped = partnerRequestFields(sub);
    const send = (
      path: string,
      fields: Record<string, string | number | undefined>,
      options: Parameters<typeof callOptions>[0],
      extra: {
        transport?: Transport;
        acceptErrCodes?: readonly string[];
        answer?: Omit<V2AnswerBinding, 'appId' | 'mchId' | 'subMchId'>;
      } = {},
    ) =>
      postV2(
        ctx,
        path,
        { ...scoped, ...fields },
        {
          transport: extra.transport ?? transport,
          ...(extra.acceptErrCodes ? { acceptErrCodes: extra.acceptErrCodes } : {}),
          // Every partner reply names the sub-merchant it is about; it must be this one.
          answer: { ...extra.answer, subMchId: sub.subMchId },
          ...callOptions(options),
        },
      );

    return {
      async createOrder(p, options) {
        const payer = p.kind === 'jsapi' || p.kind === 'miniprogram' ? p.payer : undefined;
        checkPartnerPayer(payer, sub);
        const raw = await send(
          '/pay/unifiedorder',
          toUnifiedOrderFields(p, { notifyUrl: parts.notifyUrl }),
          options,
        );
        const kind = p.kind === 'app' ? 'app' : 'bridge';
        return toPrepay(p.kind, raw, {
          appId: payingAppId(ctx.appId, sub, kind, payer),
          // The App SDK's partnerid is the sub-merchant's id in partner mode.
          mchId: sub.subMchId,
          apiKey: ctx.apiKey,
          signType: ctx.signType,
          timestamp: String(unixSeconds(ctx.clock)),
          nonceStr: ctx.nonce(),
        });
      },

      async queryOrder(r, options) {
        const raw = await send('/pay/orderquery', orderRefFields(r), options, { answer: r });
        decodeWire(orderQueryResponseSchema, raw, 'orderquery reply');
        return toOrder(raw, tradeStateOf(raw));
      },

      // As the provider client: a closed order is success; an unclear outcome is settled by a
      // query (paid → OrderPaidError).
      async closeOrder(no, options) {
        await send('/pay/closeorder', orderRefFields({ outTradeNo: no }), options, {
          acceptErrCodes: ['ORDERCLOSED', 'ORDER_CLOSED'],
        });
      },
      confirmClose: false,

      async refund(p, options) {
        const raw = await send(
          '/secapi/pay/refund',
          toRefundFields(p, { notifyUrl: parts.notifyUrl }),
          options,
          {
            transport: parts.secapi(),
            answer: { ...p.order, outRefundNo: p.outRefundNo },
          },
        );
        return toRefundFromReply(raw);
      },

      async queryRefund(no, options) {
        const raw = await send(
          '/pay/refundquery',
          toRefundQueryFields({ outRefundNo: no }),
          options,
          {
            answer: { outRefundNo: no },
          },
        );
        const refund = toRefundQueryResult(raw).refunds.find((r) => r.outRefundNo === no);
        if (!refund) {
          throw new RefundNotFoundError(`refund ${no} is not in the refundquery reply`, {
            code: 'REFUNDNOTEXIST',
            raw,
          });
        }
        return refund;
      },

      parseNotification: (request) => parts.parseNotification(request),
    };
  });
}
