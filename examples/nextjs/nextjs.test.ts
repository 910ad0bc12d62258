import { vi } from 'vitest';
import { createFetchServer, describeExample, listen } from '../test-support/harness.js';
import { orderBook } from './lib/orders.js';

describeExample(
  'Next.js route handlers',
  async ({ merchant }) => {
    // What the deployment's environment would hold; the route modules read it on first use.
    vi.stubEnv('WXPAY_APP_ID', merchant.appId);
    vi.stubEnv('WXPAY_MCH_ID', merchant.mchId);
    vi.stubEnv('WXPAY_API_KEY', merchant.apiKey);
    vi.stubEnv('WXPAY_SIGN_TYPE', 'HMAC-SHA256');
    vi.stubEnv('WXPAY_API_V3_KEY', merchant.apiV3Key);
    vi.stubEnv('WXPAY_PRIVATE_KEY', merchant.privateKey.replace(/\n/g, '\\n'));
    vi.stubEnv('WXPAY_CERTIFICATE_SERIAL', merchant.certificateSerial);
    vi.stubEnv('WXPAY_PUBLIC_KEY_ID', merchant.wechatpayPublicKey.id);
    vi.stubEnv('WXPAY_PUBLIC_KEY', merchant.wechatpayPublicKey.key);
    const v2Route = await import('./app/api/wxpay/notify/v2/route.js');
    const v3Route = await import('./app/api/wxpay/notify/v3/route.js');
    const server = await listen(
      createFetchServer({
        '/api/wxpay/notify/v2': v2Route.POST,
        '/api/wxpay/notify/v3': v3Route.POST,
      }),
    );
    return {
      ...server,
      path: (protocol) => `/api/wxpay/notify/${protocol}`,
      close: async () => {
        await server.close();
        vi.unstubAllEnvs();
      },
    };
  },
  { book: orderBook },
);
