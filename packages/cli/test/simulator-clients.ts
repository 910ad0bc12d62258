import type { Simulator } from '@wxpay/simulator';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';

const fastRetry = { baseDelayMs: 20, maxDelayMs: 100 };

/**
 * A v2 (HMAC-SHA256) and a v3 (WeChat Pay public key and platform certificates) client for the simulator's merchant,
 * retrying fast. `notifyUrl` is the clients' default; without it each order names its own.
 */
export function simulatorClients(sim: Simulator, defaults: { readonly notifyUrl?: string } = {}) {
  const v2 = createV2Client(
    sim.clientConfig('v2', { signType: 'HMAC-SHA256', retry: fastRetry, ...defaults }),
  );
  const v3 = createV3Client(
    sim.clientConfig('v3', {
      wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
      // Both keys, as a merchant holds them while WeChat Pay migrates it to the public key.
      platformCertificates: 'auto' as const,
      retry: fastRetry,
      ...defaults,
    }),
  );
  return { v2, v3 };
}
