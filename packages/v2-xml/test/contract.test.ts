import { describePaymentClientContract } from '@wxpay/simulator/contract';
import {
  createNodeNotificationHandler,
  createV2Client,
  createWebNotificationHandler,
} from '../src/index.js';

const handlers = {
  nodeNotificationHandler: createNodeNotificationHandler,
  webNotificationHandler: createWebNotificationHandler,
};

// The shared PaymentClient contract, run against the simulator with both v2 sign types.
describePaymentClientContract(
  'v2-xml (MD5)',
  (sim) =>
    createV2Client({
      appId: sim.merchant.appId,
      mchId: sim.merchant.mchId,
      apiKey: sim.merchant.apiKey,
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  handlers,
);

describePaymentClientContract(
  'v2-xml (HMAC-SHA256)',
  (sim) =>
    createV2Client({
      appId: sim.merchant.appId,
      mchId: sim.merchant.mchId,
      apiKey: sim.merchant.apiKey,
      signType: 'HMAC-SHA256',
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  handlers,
);

// Over HTTPS, with /secapi/* (refunds) authenticated by the merchant certificate (mutual TLS).
describePaymentClientContract(
  'v2-xml (HTTPS, mutual TLS)',
  (sim) =>
    createV2Client({
      appId: sim.merchant.appId,
      mchId: sim.merchant.mchId,
      apiKey: sim.merchant.apiKey,
      baseUrl: sim.url,
      clientCertificate: {
        cert: sim.merchant.certificate,
        key: sim.merchant.privateKey,
        ca: sim.tls?.ca ?? '',
      },
      transport: { tls: { ca: sim.tls?.ca ?? '' } },
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  { simulator: { tls: true }, ...handlers },
);

// Partner mode: the client is a service provider's; every scenario runs through
// forSubMerchant(<a bound sub-merchant>), plus the partner scenarios.
describePaymentClientContract(
  'v2-xml (partner: sub-merchant of a service provider)',
  (sim) =>
    createV2Client({
      appId: sim.merchant.appId,
      mchId: sim.merchant.mchId,
      apiKey: sim.merchant.apiKey,
      baseUrl: sim.url,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    }),
  { partner: true, ...handlers },
);
