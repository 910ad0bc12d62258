import { ConfigError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client } from '../src/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.stop();
});

describe('key options given a file path', () => {
  it('privateKey: the error says to pass the contents, not the path', () => {
    for (const path of [
      'apiclient_key.pem',
      './cert/apiclient_key.pem',
      '/etc/wxpay/apiclient_key.pem',
    ]) {
      const error = (() => {
        try {
          createV3Client(sim.clientConfig('v3', { privateKey: path }));
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(
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
