import { describePaymentClientContract } from '@wxpay/simulator/contract';
import {
  createNodeNotificationHandler,
  createV3Client,
  createWebNotificationHandler,
} from '../src/index.js';

const handlers = {
  nodeNotificationHandler: createNodeNotificationHandler,
  webNotificationHandler: createWebNotificationHandler,
};

// The shared PaymentClient contract, run against the simulator in each trust mode.
describePaymentClientContract(
  'v3-json (public key)',
  (sim) =>
    createV3Client({
      mchId: sim.merchant.mchId,
      appId: sim.merchant.appId,
      privateKey: sim.merchant.privateKey,
      certificateSerial: sim.merchant.certificateSerial,
      apiV3Key: sim.merchant.apiV3Key,
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  { simulator: { trust: 'public-key' }, ...handlers },
);

describePaymentClientContract(
  'v3-json (platform certificates)',
  (sim) =>
    createV3Client({
      mchId: sim.merchant.mchId,
      appId: sim.merchant.appId,
      privateKey: sim.merchant.privateKey,
      certificateSerial: sim.merchant.certificateSerial,
      apiV3Key: sim.merchant.apiV3Key,
      platformCertificates: 'auto',
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  { simulator: { trust: 'certificate' }, ...handlers },
);

// The default trust mode: the client knows both; the simulator signs with the key it names.
describePaymentClientContract(
  'v3-json (public key and certificates)',
  (sim) =>
    createV3Client({
      mchId: sim.merchant.mchId,
      appId: sim.merchant.appId,
      privateKey: sim.merchant.privateKey,
      certificateSerial: sim.merchant.certificateSerial,
      apiV3Key: sim.merchant.apiV3Key,
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      platformCertificates: 'auto',
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  handlers,
);

// Over HTTPS (the simulator's own CA).
describePaymentClientContract(
  'v3-json (HTTPS)',
  (sim) =>
    createV3Client({
      mchId: sim.merchant.mchId,
      appId: sim.merchant.appId,
      privateKey: sim.merchant.privateKey,
      certificateSerial: sim.merchant.certificateSerial,
      apiV3Key: sim.merchant.apiV3Key,
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      baseUrl: sim.url,
      transport: { tls: { ca: sim.tls?.ca ?? '' } },
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  { simulator: { tls: true }, ...handlers },
);
