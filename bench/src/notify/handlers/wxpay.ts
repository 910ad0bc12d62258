/**
 * wxpay's notification handler as a merchant mounts it: the core `createNodeNotificationHandler`
 * (read the body, verify, decrypt, decode, callback, acknowledge) on a client of the protocol.
 */
import { createNodeNotificationHandler, type PaymentNotification } from '@wxpay/core';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';
import {
  API_KEY,
  API_V3_KEY,
  V2_APPID,
  V2_MCHID,
  V3_APPID,
  V3_MCHID,
  V3_PUB_KEY_ID,
  V3_SERIAL,
} from '../../fixtures.js';
import type { NotifyHandlerBuilder } from './types.js';

/** Builds the wxpay handler for the protocol. */
export const buildWxpayNotify: NotifyHandlerBuilder = (protocol, keys, onPaid) => {
  const callback = (n: PaymentNotification) => {
    if (n.type === 'payment' && n.order.state === 'SUCCESS') onPaid(n.order.outTradeNo);
  };
  if (protocol === 'v3') {
    const client = createV3Client({
      mchId: V3_MCHID,
      appId: V3_APPID,
      privateKey: keys.merchantPrivate,
      certificateSerial: V3_SERIAL,
      apiV3Key: API_V3_KEY,
      wechatpayPublicKey: { id: V3_PUB_KEY_ID, key: keys.platformPublic },
      platformCertificates: 'off',
    });
    const handle = createNodeNotificationHandler(client, callback);
    return (req, res) => void handle(req, res);
  }
  const client = createV2Client({
    appId: V2_APPID,
    mchId: V2_MCHID,
    apiKey: API_KEY,
    signType: 'MD5',
  });
  const handle = createNodeNotificationHandler(client, callback);
  return (req, res) => void handle(req, res);
};
