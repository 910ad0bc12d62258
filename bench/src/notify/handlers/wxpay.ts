/**
 * wxpay's notification handlers as a merchant mounts them: `createNodeNotificationHandler`
 * (verify, decrypt, decode, callback, acknowledge) of each adapter.
 */
import { createV2Client, createNodeNotificationHandler as v2Handler } from '@wxpay/v2-xml';
import { createV3Client, createNodeNotificationHandler as v3Handler } from '@wxpay/v3-json';
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
    const handle = v3Handler(client, (n) => {
      if (n.type === 'payment' && n.order.state === 'SUCCESS') onPaid(n.order.outTradeNo);
    });
    return (req, res) => void handle(req, res);
  }
  const client = createV2Client({
    appId: V2_APPID,
    mchId: V2_MCHID,
    apiKey: API_KEY,
    signType: 'MD5',
  });
  const handle = v2Handler(client, (n) => {
    if (n.type === 'payment' && n.order.state === 'SUCCESS') onPaid(n.order.outTradeNo);
  });
  return (req, res) => void handle(req, res);
};
