import { randomNonce } from '@wxpay/core/adapter';
import { newCodeUrl, newPrepayId } from './ids.js';
import { orderFingerprint } from './order-fingerprint.js';
import type { SimulatedOrder } from './order-store.js';
import { presentFields } from './present-fields.js';

/** The optional text fields of a {@link PendingOrderRequest} (absent when empty). */
type OptionalText = 'openid' | 'attach' | 'notifyUrl' | 'clientIp' | 'deviceInfo' | 'notifySerial';

/** A checked order-creating request in neutral names, from either protocol's endpoint. */
export type PendingOrderRequest = Pick<
  SimulatedOrder,
  | 'mchId'
  | 'appId'
  | 'outTradeNo'
  | 'tradeType'
  | 'description'
  | 'total'
  | 'currency'
  | 'expiresAt'
  | 'via'
  | 'signType'
> & { readonly [K in OptionalText]?: string | undefined };

/**
 * A new unpaid order for a checked request, created at `now`, with the fingerprint a re-submit
 * must match and the prepay id WeChat Pay issues (plus a native order's code_url and an H5
 * order's h5_url). A payment-code (MICROPAY) charge has no prepay step, so no prepay id.
 */
export function newPendingOrder(req: PendingOrderRequest, now: number): SimulatedOrder {
  const prepayId = req.tradeType === 'MICROPAY' ? undefined : newPrepayId(now);
  return {
    mchId: req.mchId,
    appId: req.appId,
    outTradeNo: req.outTradeNo,
    tradeType: req.tradeType,
    state: 'NOTPAY',
    description: req.description,
    total: req.total,
    currency: req.currency,
    ...presentFields({
      openid: req.openid,
      attach: req.attach,
      notifyUrl: req.notifyUrl,
      clientIp: req.clientIp,
      deviceInfo: req.deviceInfo,
      prepayId,
      codeUrl: req.tradeType === 'NATIVE' ? newCodeUrl() : undefined,
      h5Url:
        req.tradeType === 'MWEB'
          ? `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${randomNonce(10)}`
          : undefined,
    }),
    createdAt: now,
    expiresAt: req.expiresAt,
    coupons: [],
    via: req.via,
    fingerprint: orderFingerprint(req),
    signType: req.signType,
    ...presentFields({ notifySerial: req.notifySerial }),
    refunds: [],
  };
}
