import { randomNonce } from '@wxpay/core/adapter';
import { encryptAeadAes256Gcm, encryptReqInfo } from './ciphers.js';
import type { NotifyOptions, TrustMode } from './context.js';
import type { GeneratedCredentials, SigningKey } from './credentials.js';
import { newEventId, newRequestId } from './ids.js';
import type { LiveForms } from './live-forms.js';
import { paidOrderFields, refundNotificationFields } from './map-v2.js';
import { refundNotificationJson, transactionJson } from './map-v3.js';
import type { NotificationLog } from './notification-log.js';
import type { SimulatedOrder, SimulatedRefund } from './order-store.js';
import {
  partnerRefundNotificationJson,
  partnerTransactionJson,
  partnerV2Fields,
} from './partner/map-partner.js';
import { spoilV2Sign } from './spoil-v2-sign.js';
import { formatRfc3339 } from './time-format.js';
import { signV2 } from './v2/sign.js';
import { buildXml } from './v2/xml-codec.js';
import { signatureHeaders } from './v3/authorization.js';

/** What building and queueing a notification needs of the simulator. */
export interface NotificationSender {
  readonly creds: GeneratedCredentials;
  readonly notifications: NotificationLog;
  /**
   * Event ids of payment notifications, so a resend carries the same id (key
   * `pay:<sub-merchant>:<no>`: two sub-merchants' orders of one number are different orders).
   */
  readonly eventIds: Map<string, string>;
  readonly trust: TrustMode;
  readonly live: LiveForms;
  now(): number;
  signingKey(serialHint: string | undefined): SigningKey;
}

/** Queues the payment notification of a paid order (v2 XML or v3 encrypted JSON). */
export function deliverPaymentNotification(
  sender: NotificationSender,
  order: SimulatedOrder,
  options: NotifyOptions = {},
): void {
  if (!order.notifyUrl) return;
  const key = `pay:${order.partner?.subMchId ?? ''}:${order.outTradeNo}`;
  const id = sender.eventIds.get(key) ?? (order.via === 'v3' ? newEventId() : randomNonce(32));
  sender.eventIds.set(key, id);
  if (order.via === 'v2') {
    // The live form carries no sign_type and may be MD5-signed for an HMAC-SHA256 merchant
    // (docs/protocol/live-behaviour.md, notifications).
    const live = sender.live.pick(sender.live.v2NotifySign) === 'live';
    const signType = options.v2SignType ?? (live ? 'MD5' : order.signType);
    const fields: Record<string, string | undefined> = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: order.appId,
      mch_id: order.mchId,
      nonce_str: randomNonce(32),
      sign_type: live ? undefined : signType,
      result_code: 'SUCCESS',
      ...paidOrderFields(order),
      ...partnerV2Fields(order, true),
    };
    fields.sign = signV2(fields, sender.creds.apiKey, signType);
    if (options.signature) fields.sign = spoilV2Sign(fields.sign);
    const body = buildXml(fields);
    sender.notifications.send({
      id,
      protocol: 'v2',
      type: 'payment',
      outTradeNo: order.outTradeNo,
      ...subMerchantOf(order),
      url: order.notifyUrl,
      build: () => ({ headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body }),
    });
    return;
  }
  const body = JSON.stringify({
    id,
    create_time: formatRfc3339(sender.now()),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      ...encryptAeadAes256Gcm(
        sender.creds.apiV3Key,
        JSON.stringify(partnerTransactionJson(order, transactionJson(order))),
        'transaction',
      ),
    },
  });
  sendV3(sender, order, order.outTradeNo, undefined, 'payment', id, body, options);
}

/** Queues the notification of a finished refund (v2 with encrypted `req_info`, or v3). */
export function deliverRefundNotification(
  sender: NotificationSender,
  order: SimulatedOrder,
  refund: SimulatedRefund,
): void {
  const url = refund.notifyUrl ?? order.notifyUrl;
  if (!url) return;
  if (refund.via === 'v2') {
    const plain = buildXml(refundNotificationFields(order, refund), 'root');
    const body = buildXml({
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: order.appId,
      mch_id: order.mchId,
      ...(order.partner
        ? { sub_mch_id: order.partner.subMchId, sub_appid: order.partner.subAppId }
        : {}),
      nonce_str: randomNonce(32),
      req_info: encryptReqInfo(sender.creds.apiKey, plain),
    });
    sender.notifications.send({
      id: randomNonce(32),
      protocol: 'v2',
      type: 'refund',
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      ...subMerchantOf(order),
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
  const id = newEventId();
  const body = JSON.stringify({
    id,
    create_time: formatRfc3339(sender.now()),
    resource_type: 'encrypt-resource',
    event_type: event[status],
    summary: summary[status],
    resource: {
      original_type: 'refund',
      ...encryptAeadAes256Gcm(
        sender.creds.apiV3Key,
        JSON.stringify(partnerRefundNotificationJson(order, refundNotificationJson(order, refund))),
        'refund',
      ),
    },
  });
  sendV3(sender, order, order.outTradeNo, refund.outRefundNo, 'refund', id, body, {});
}

// Lets the notification log tell apart two sub-merchants' orders of one number.
const subMerchantOf = (order: SimulatedOrder) =>
  order.partner ? { subMchId: order.partner.subMchId } : {};

function sendV3(
  sender: NotificationSender,
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
  // While a merchant migrates, callbacks are signed with either key at random
  // (docs/protocol/live-behaviour.md, notifications).
  const key =
    sender.trust !== 'migrating'
      ? sender.signingKey(order.notifySerial)
      : sender.live.signWithPublicKey()
        ? sender.creds.publicKey
        : sender.signingKey(undefined);
  sender.notifications.send({
    id,
    protocol: 'v3',
    type,
    outTradeNo,
    ...(outRefundNo ? { outRefundNo } : {}),
    ...subMerchantOf(order),
    url,
    build: () => ({
      headers: {
        'Content-Type': 'application/json',
        ...signatureHeaders(
          body,
          key.privateKey,
          key.serial,
          Math.floor(sender.now() / 1000) + (options.timestampOffsetSeconds ?? 0),
          options.signature,
        ),
        'Request-ID': newRequestId(),
      },
      body,
    }),
  });
}
