import type { Simulator } from '@wxpay/simulator';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';

const fastRetry = { baseDelayMs: 20, maxDelayMs: 100 };

/**
 * A v2 (HMAC-SHA256) and a v3 (WeChat Pay public key and platform certificates) client for the simulator's merchant,
 * retrying fast. `notifyUrl` is the clients' default; without it each order names its own.
 */
export function simulatorClients(sim: Simulator, defaults: { readonly notifyUrl?: string } = {}) {
  const m = sim.merchant;
  const v2 = createV2Client({
    appId: m.appId,
    mchId: m.mchId,
    apiKey: m.apiKey,
    signType: 'HMAC-SHA256',
    baseUrl: sim.url,
    retry: fastRetry,
    ...defaults,
  });
  const v3 = createV3Client({
    mchId: m.mchId,
    appId: m.appId,
    privateKey: m.privateKey,
    certificateSerial: m.certificateSerial,
    apiV3Key: m.apiV3Key,
    wechatpayPublicKey: m.wechatpayPublicKey,
    // Both keys, as a merchant holds them while WeChat Pay migrates it to the public key.
    platformCertificates: 'auto',
    baseUrl: sim.url,
    retry: fastRetry,
    ...defaults,
  });
  return { v2, v3 };
}
