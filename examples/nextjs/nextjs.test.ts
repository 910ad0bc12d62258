import { ConfigError } from '@wxpay/core';
import { describe, expect, it, vi } from 'vitest';
import { createFetchServer, describeExample, listen } from '../test-support/harness.js';
import { orderBook } from './lib/orders.js';
import { clientsFromEnv } from './lib/wxpay.js';

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

describe('Next.js lib/wxpay: clients from the environment', () => {
  const secretApiKey = 'S3cretApiKeyS3cretApiKeyS3cret01';
  const secretV3Key = 'S3cretV3KeyS3cretV3KeyS3cretV302';
  const env = {
    WXPAY_APP_ID: 'wx8888888888888888',
    WXPAY_MCH_ID: '1900000109',
    WXPAY_API_KEY: secretApiKey,
    WXPAY_API_V3_KEY: secretV3Key,
    WXPAY_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nnot a key\\n-----END PRIVATE KEY-----',
    WXPAY_CERTIFICATE_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0000000000000000000000000000000',
    WXPAY_PUBLIC_KEY: 'garbled public key material',
  };

  it('names a missing variable', () => {
    const { WXPAY_MCH_ID: _omitted, ...partial } = env;
    expect(() => clientsFromEnv(partial)).toThrow('WXPAY_MCH_ID is not set');
  });

  it('refuses an unknown sign type', () => {
    expect(() => clientsFromEnv({ ...env, WXPAY_SIGN_TYPE: 'SHA1' })).toThrow('WXPAY_SIGN_TYPE');
  });

  it('never echoes a secret when a key is unreadable', () => {
    let caught: unknown;
    try {
      clientsFromEnv(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const text = `${String(caught)} ${JSON.stringify(caught)}`;
    expect(text).toContain('wechatpayPublicKey.key');
    for (const secret of [secretApiKey, secretV3Key, 'not a key', 'garbled']) {
      expect(text).not.toContain(secret);
    }
  });
});
