import { describePaymentClientContract } from '@wxpay/simulator/contract';
import {
  createNodeNotificationHandler,
  createV2Client,
  createWebNotificationHandler,
} from '../src/index.js';

const retry = { baseDelayMs: 20, maxDelayMs: 100 };
const handlers = {
  nodeNotificationHandler: createNodeNotificationHandler,
  webNotificationHandler: createWebNotificationHandler,
};

// The shared PaymentClient contract, run against the simulator with both v2 sign types.
describePaymentClientContract(
  'v2-xml (MD5)',
  (sim) => createV2Client(sim.clientConfig('v2', { retry })),
  handlers,
);

describePaymentClientContract(
  'v2-xml (HMAC-SHA256)',
  (sim) => createV2Client(sim.clientConfig('v2', { signType: 'HMAC-SHA256', retry })),
  handlers,
);

// Over HTTPS, with /secapi/* (refunds) authenticated by the merchant certificate (mutual TLS):
// in TLS mode the simulator's config carries the CA and the merchant certificate.
describePaymentClientContract(
  'v2-xml (HTTPS, mutual TLS)',
  (sim) => createV2Client(sim.clientConfig('v2', { retry })),
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
