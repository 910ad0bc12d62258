import type {
  AppConfig,
  BridgeConfig,
  CallOptions,
  SubMerchant,
  SubMerchantClient,
} from '@wxpay/core';
import { payingAppId, type SubMerchantSteps, subMerchantClient } from '@wxpay/core/adapter';
import { checkAnswer } from '../check-answer.js';
import { toPrepay, toWireOrderRequest } from '../map-create-order.js';
import { toOrder } from '../map-order.js';
import { toRefund, toWireRefundRequest } from '../map-refund.js';

type Context = 'order' | 'refund' | 'other';

/** What a sub-merchant client shares with the provider's client (built once per provider client). */
export interface V3ProviderParts extends Pick<SubMerchantSteps, 'parseNotification'> {
  readonly appId: string;
  readonly mchId: string;
  readonly notifyUrl: string | undefined;
  getJson(path: string, context: Context, options?: CallOptions): Promise<unknown>;
  postJson(path: string, body: unknown, context: Context, options?: CallOptions): Promise<unknown>;
  /** Signs the JSAPI bridge parameters for `appId`. */
  bridge(appId: string, prepayId: string): Promise<BridgeConfig>;
  /** Signs the App SDK parameters for `appId` with `partnerId`. */
  app(appId: string, partnerId: string, prepayId: string): Promise<AppConfig>;
}

/**
 * A v3 `PaymentClient` scoped to one sub-merchant (partner mode, docs/protocol/partner.md): it
 * calls `/v3/pay/partner/transactions/*` with `sp_mchid` + `sub_mchid`, and refunds with
 * `sub_mchid`, through the provider's signer, trust store and connection pool. Creating one
 * allocates nothing but this object.
 */
export function createV3SubMerchantClient(
  parts: V3ProviderParts,
  subMerchant: SubMerchant,
): SubMerchantClient {
  const { appId, mchId } = parts;
  return subMerchantClient('v3', subMerchant, (sub) => {
    const scope = `sp_mchid=${encodeURIComponent(mchId)}&sub_mchid=${encodeURIComponent(sub.subMchId)}`;

    return {
      async createOrder(valid, options) {
        const wire = toWireOrderRequest(valid, { appId, mchId, notifyUrl: parts.notifyUrl }, sub);
        const data = await parts.postJson(wire.path, wire.body, 'order', options);
        const payer =
          valid.kind === 'jsapi' || valid.kind === 'miniprogram' ? valid.payer : undefined;
        return toPrepay(valid.kind, data, {
          bridge: (prepayId) => parts.bridge(payingAppId(appId, sub, 'bridge', payer), prepayId),
          // The App SDK's partnerid is the sub-merchant's id in partner mode.
          app: (prepayId) => parts.app(payingAppId(appId, sub, 'app'), sub.subMchId, prepayId),
        });
      },

      async queryOrder(valid, options) {
        const path =
          'transactionId' in valid
            ? `/v3/pay/partner/transactions/id/${encodeURIComponent(valid.transactionId)}?${scope}`
            : `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(valid.outTradeNo)}?${scope}`;
        const data = await parts.getJson(path, 'order', options);
        checkAnswer(data, { mchId, appId, subMchId: sub.subMchId, ...valid });
        return toOrder(data);
      },

      // As the provider client: the outcome is confirmed by a query (live close answers 204 for
      // unknown and closed orders alike).
      async closeOrder(valid, options) {
        await parts.postJson(
          `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(valid)}/close`,
          { sp_mchid: mchId, sub_mchid: sub.subMchId },
          'order',
          options,
        );
      },
      confirmClose: true,

      async refund(valid, options) {
        const body = toWireRefundRequest(valid, parts.notifyUrl, sub);
        const data = await parts.postJson('/v3/refund/domestic/refunds', body, 'order', options);
        // Refund answers do not name the sub-merchant (the request did).
        checkAnswer(data, { mchId, appId, ...valid.order, outRefundNo: valid.outRefundNo });
        return toRefund(data);
      },

      async queryRefund(valid, options) {
        const path = `/v3/refund/domestic/refunds/${encodeURIComponent(valid)}?sub_mchid=${encodeURIComponent(sub.subMchId)}`;
        const data = await parts.getJson(path, 'refund', options);
        checkAnswer(data, { mchId, appId, outRefundNo: valid });
        return toRefund(data);
      },

      parseNotification: (request) => parts.parseNotification(request),
    };
  });
}
