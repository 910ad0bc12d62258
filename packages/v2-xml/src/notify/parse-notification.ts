import {
  MalformedMessageError,
  type NotificationRequest,
  type PaymentNotification,
  SignatureVerificationError,
} from '@wxpay/core';
import { checkAnswer } from '../check-answer.js';
import { toOrder } from '../map-order.js';
import { toRefundFromNotification } from '../map-refund.js';
import { partnerFieldsOf } from '../partner/map-partner.js';
import { decodeWire } from '../schemas/decode-wire.js';
import { hasOrderFields, paymentNotificationSchema } from '../schemas/transaction.js';
import { isCanonicalSign, verifyFields } from '../signing/sign-fields.js';
import { SIGNATURE_HEX_LENGTH, type SignType } from '../signing/sign-type.js';
import { parseXml } from '../xml/parse-xml.js';
import { decryptReqInfo } from './decrypt-req-info.js';

/** What notification parsing checks against. */
export interface NotificationKeys {
  readonly appId: string;
  /** Further appids of the same merchant accepted in a notification's `appid`. */
  readonly acceptedAppIds?: readonly string[] | undefined;
  readonly mchId: string;
  readonly apiKey: string;
  /** Allowed sign types; the algorithm is picked by signature length among these. */
  readonly acceptedSignTypes: readonly SignType[];
  /** `reqInfoKey(apiKey)`, computed once. */
  readonly reqInfoKey: Buffer;
  /** Largest accepted body (default 1 MiB). */
  readonly maxBytes?: number;
}

function signTypeFor(signature: string, accepted: readonly SignType[]): SignType | undefined {
  return accepted.find((type) => SIGNATURE_HEX_LENGTH[type] === signature.length);
}

function checkMerchant(raw: Readonly<Record<string, string>>, keys: NotificationKeys): void {
  // A partner notification may be for any of the provider's sub-merchants: one endpoint serves
  // them all (docs/protocol/partner.md).
  checkAnswer(raw, {
    appId: keys.appId,
    acceptedAppIds: keys.acceptedAppIds,
    mchId: keys.mchId,
    subMchId: raw.sub_mch_id || undefined,
  });
}

/**
 * Verifies, then decodes a v2 notification. Payment notifications must carry a `sign` that
 * verifies under an accepted sign type (never the message's own `sign_type`); refund
 * notifications are authenticated by decrypting `req_info` with the API-key-derived key.
 */
export function parseV2Notification(
  request: NotificationRequest,
  keys: NotificationKeys,
): PaymentNotification {
  const raw = parseXml(request.body, { maxBytes: keys.maxBytes ?? 1024 * 1024 });
  if (raw.req_info !== undefined) {
    if (raw.return_code !== 'SUCCESS') {
      throw new MalformedMessageError('refund notification without return_code SUCCESS');
    }
    const plaintext = decryptReqInfo(raw.req_info, keys.reqInfoKey);
    checkMerchant(raw, keys);
    const info = parseXml(plaintext, { root: 'root' });
    // The sub-merchant is named in the outer message, not in req_info.
    const partner = partnerFieldsOf(raw);
    const refund = { ...toRefundFromNotification(info), ...partner };
    return {
      type: 'refund',
      id: `v2:refund:${refund.refundId}:${info.refund_status}`,
      ...(partner.subMchId ? { subMchId: partner.subMchId } : {}),
      refund,
      raw,
    };
  }
  const sign = raw.sign;
  if (!sign) throw new SignatureVerificationError('notification has no sign');
  const signType = isCanonicalSign(sign) ? signTypeFor(sign, keys.acceptedSignTypes) : undefined;
  if (!signType) {
    throw new SignatureVerificationError('notification sign is not of an accepted sign type');
  }
  if (!verifyFields(raw, sign, keys.apiKey, signType)) {
    throw new SignatureVerificationError(`notification sign does not verify (${signType})`);
  }
  checkMerchant(raw, keys);
  if (raw.return_code !== 'SUCCESS') {
    throw new MalformedMessageError('payment notification without return_code SUCCESS');
  }
  // The usual notification passes the hand check; any other is decoded by zod.
  const fields = hasOrderFields(raw, 'result_code')
    ? raw
    : decodeWire(paymentNotificationSchema, raw, 'payment notification');
  const state = fields.result_code === 'SUCCESS' ? 'SUCCESS' : 'PAYERROR';
  const order = toOrder(raw, state);
  const id = order.transactionId
    ? `v2:payment:${order.transactionId}`
    : `v2:payment:out-trade-no:${order.outTradeNo}:${fields.result_code}`;
  return {
    type: 'payment',
    id,
    ...(order.subMchId ? { subMchId: order.subMchId } : {}),
    order,
    raw,
  };
}
