import type { Simulator } from '@wxpay/simulator';
import { describePaymentClientContract } from '@wxpay/simulator/contract';
import {
  createNodeNotificationHandler,
  createV3Client,
  createWebNotificationHandler,
  type V3ClientConfig,
} from '../src/index.js';

const handlers = {
  nodeNotificationHandler: createNodeNotificationHandler,
  webNotificationHandler: createWebNotificationHandler,
};

/** A client for the simulator's merchant; `trust` picks the key source under test. */
const clientFor =
  (trust: Partial<V3ClientConfig> | ((sim: Simulator) => Partial<V3ClientConfig>)) =>
  (sim: Simulator) =>
    createV3Client(
      sim.clientConfig('v3', {
        retry: { baseDelayMs: 20, maxDelayMs: 100 },
        ...(typeof trust === 'function' ? trust(sim) : trust),
      }),
    );

const publicKey = (sim: Simulator) => ({ wechatpayPublicKey: sim.merchant.wechatpayPublicKey });

// The shared PaymentClient contract, run against the simulator in each trust mode.
describePaymentClientContract('v3-json (public key)', clientFor(publicKey), {
  simulator: { trust: 'public-key' },
  ...handlers,
});

describePaymentClientContract(
  'v3-json (platform certificates)',
  clientFor({ platformCertificates: 'auto' }),
  { simulator: { trust: 'certificate' }, ...handlers },
);

// The default trust mode: the client knows both; the simulator signs with the key it names.
describePaymentClientContract(
  'v3-json (public key and certificates)',
  clientFor((sim) => ({ ...publicKey(sim), platformCertificates: 'auto' })),
  handlers,
);

// Migrating to the public key: callbacks signed with either key at random; the client holds both.
describePaymentClientContract(
  'v3-json (migrating)',
  clientFor((sim) => ({ ...publicKey(sim), platformCertificates: 'auto' })),
  { simulator: { trust: 'migrating' }, ...handlers },
);

// Over HTTPS (the simulator's own CA).
describePaymentClientContract(
  'v3-json (HTTPS)',
  clientFor((sim) => ({ ...publicKey(sim), transport: { tls: { ca: sim.tls?.ca ?? '' } } })),
  { simulator: { tls: true }, ...handlers },
);

// Partner mode: the client is a service provider's; every scenario runs through
// forSubMerchant(<a bound sub-merchant>), plus the partner scenarios.
describePaymentClientContract(
  'v3-json (partner: sub-merchant of a service provider)',
  clientFor((sim) => ({ ...publicKey(sim), platformCertificates: 'auto' })),
  { partner: true, ...handlers },
);
