import { describe, expect, it } from 'vitest';
import {
  buildAppConfig,
  buildBridgeConfig,
  buildSignString,
  decryptReqInfo,
  encryptReqInfo,
  reqInfoKey,
  type SignType,
  signFields,
  verifyFields,
} from '../src/index.js';
import { protocolVectors } from './support/protocol-vectors.js';

describe('docs/protocol/vectors/v2-sign.json', () => {
  const { apiKey, cases } = protocolVectors('v2-sign.json') as {
    apiKey: string;
    cases: { name: string; fields: Record<string, string>; stringSignTemp: string }[];
  };
  for (const c of cases) {
    it(`${c.name}: string to sign, MD5 and HMAC-SHA256`, () => {
      expect(buildSignString(c.fields, apiKey)).toBe(c.stringSignTemp);
      for (const type of ['MD5', 'HMAC-SHA256'] as const) {
        const expected = (c as unknown as Record<SignType, string>)[type];
        expect(signFields(c.fields, apiKey, type)).toBe(expected);
        expect(verifyFields({ ...c.fields, sign: expected }, expected, apiKey, type)).toBe(true);
      }
    });
  }
});

describe('docs/protocol/vectors/v2-client-params.json', () => {
  const { apiKey, bridge, app } = protocolVectors('v2-client-params.json');
  it('JSAPI paySign in both sign types', () => {
    for (const type of ['MD5', 'HMAC-SHA256'] as const) {
      const config = buildBridgeConfig(
        {
          appId: bridge.appId,
          prepayId: bridge.prepayId,
          timeStamp: bridge.timeStamp,
          nonceStr: bridge.nonceStr,
          signType: type,
        },
        apiKey,
      );
      expect(config.paySign).toBe(bridge.paySign[type]);
    }
  });
  it('App sign (MD5 merchant)', () => {
    const config = buildAppConfig(
      {
        appId: app.appId,
        mchId: app.mchId,
        prepayId: app.prepayId,
        timestamp: app.timestamp,
        nonceStr: app.nonceStr,
        signType: 'MD5',
      },
      apiKey,
    );
    expect(config.sign).toBe(app.sign.MD5);
  });
});

describe('docs/protocol/vectors/v2-req-info.json', () => {
  const { apiKey, keyString, cases } = protocolVectors('v2-req-info.json');
  it('derives the key and decrypts/encrypts each case exactly', () => {
    const key = reqInfoKey(apiKey);
    expect(key.toString('ascii')).toBe(keyString);
    for (const c of cases as { plaintext: string; base64: string }[]) {
      expect(decryptReqInfo(c.base64, key)).toBe(c.plaintext);
      expect(encryptReqInfo(c.plaintext, key)).toBe(c.base64);
    }
  });
});
