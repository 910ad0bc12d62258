import { ConfigError } from '@wxpay/core';
import { startSimulator } from '@wxpay/simulator';
import { thrownBy } from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Client } from '../src/index.js';

const sim = await startSimulator();
afterAll(() => sim.stop());

describe('key options given a file path', () => {
  it('privateKey: the error says to pass the contents, not the path', () => {
    for (const path of [
      'apiclient_key.pem',
      './cert/apiclient_key.pem',
      '/etc/wxpay/apiclient_key.pem',
    ]) {
      const error = thrownBy(ConfigError, () =>
        createV3Client(sim.clientConfig('v3', { privateKey: path })),
      );
      expect(error.message).toContain(
        "privateKey looks like a file path: pass the key's contents (e.g. await readFile(path)), not its path",
      );
    }
  });

  it('wechatpayPublicKey.key: the same hint', () => {
    expect(() =>
      createV3Client(
        sim.clientConfig('v3', {
          wechatpayPublicKey: { id: sim.merchant.wechatpayPublicKey.id, key: 'pub_key.pem' },
        }),
      ),
    ).toThrow(/wechatpayPublicKey\.key looks like a file path/);
  });

  it('garbage that is not a path gets no path hint', () => {
    expect(() =>
      createV3Client(sim.clientConfig('v3', { privateKey: 'not a key at all' })),
    ).toThrow(/^privateKey: not a readable private key \(PEM or DER\)$/);
  });
});
