import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAppConfig,
  buildBridgeConfig,
  buildSignString,
  signFields,
  signString,
  verifyFields,
} from '../../src/index.js';
import { TEST_API_KEY as KEY } from '../support/keys.js';

const TV1 = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  device_info: '1000',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
};

const TV3 = {
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  sign_type: 'HMAC-SHA256',
  body: '腾讯充值中心-QQ会员充值',
  attach: '',
  out_trade_no: '20150806125346',
  total_fee: 888,
  spbill_create_ip: '123.12.12.123',
  notify_url: 'https://example.com/wxpay/notify',
  trade_type: 'JSAPI',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  time_expire: '20150806135346',
};

describe('v2 signing known answers (docs/protocol/vectors)', () => {
  it('TV1: canonical string and MD5 of the official example', () => {
    expect(buildSignString(TV1, KEY)).toBe(
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d',
    );
    expect(signFields(TV1, KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('TV2: HMAC-SHA256 of the same input', () => {
    expect(signFields(TV1, KEY, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
  });

  it('HMAC-SHA256 keys are the UTF-8 text of any API key, also after many keys (the key cache is bounded)', () => {
    const reference = (key: string) =>
      createHmac('sha256', key)
        .update(buildSignString(TV1, key), 'utf8')
        .digest('hex')
        .toUpperCase();
    const keys = [
      KEY,
      '',
      'ключ-密钥-🔑',
      ...Array.from({ length: 130 }, (_, i) => `key-${i}`),
      KEY,
    ];
    for (const key of keys) {
      expect([key, signString(buildSignString(TV1, key), key, 'HMAC-SHA256')]).toEqual([
        key,
        reference(key),
      ]);
    }
    // TV2 again after the cache was filled and cleared twice.
    expect(signFields(TV1, KEY, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
  });

  it('TV3: UTF-8 value, empty field dropped, sign_type signed, number as text', () => {
    expect(buildSignString(TV3, KEY)).toBe(
      'appid=wx2421b1c4370ec43b&body=腾讯充值中心-QQ会员充值&mch_id=10000100&nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&notify_url=https://example.com/wxpay/notify&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o&out_trade_no=20150806125346&sign_type=HMAC-SHA256&spbill_create_ip=123.12.12.123&time_expire=20150806135346&total_fee=888&trade_type=JSAPI&key=192006250b4c09247ec02edce69f6a2d',
    );
    expect(signFields(TV3, KEY, 'HMAC-SHA256')).toBe(
      '1417DB5E408F28076E554EA2C0AB6EC311912AA950A288AC4E3B3108C1E2062E',
    );
    expect(signFields(TV3, KEY, 'MD5')).toBe('59F192B7313F6C08AFB72E16749E7C1F');
  });

  it('TV4: JSAPI paySign in both sign types', () => {
    const input = {
      appId: 'wx2421b1c4370ec43b',
      timeStamp: '1395712654',
      nonceStr: 'e61463f8efa94090b1f366cccfbbb444',
      prepayId: 'wx2017033010242291fcfe0db70013231072',
    };
    const md5 = buildBridgeConfig({ ...input, signType: 'MD5' }, KEY);
    expect(md5).toEqual({
      appId: 'wx2421b1c4370ec43b',
      timeStamp: '1395712654',
      nonceStr: 'e61463f8efa94090b1f366cccfbbb444',
      package: 'prepay_id=wx2017033010242291fcfe0db70013231072',
      signType: 'MD5',
      paySign: 'EF9F7C01770E5D8823CDAD2F01A91D8E',
    });
    expect(buildBridgeConfig({ ...input, signType: 'HMAC-SHA256' }, KEY).paySign).toBe(
      'C341A653868DF3414DCBF54F2EF0C334B2DA7A75870D2E1724A44799C608F9D1',
    );
  });

  it('TV5: App sign (MD5, package Sign=WXPay)', () => {
    const config = buildAppConfig(
      {
        appId: 'wx2421b1c4370ec43b',
        mchId: '10000100',
        prepayId: 'WX1217752501201407033233368018',
        nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
        timestamp: '1412000000',
        signType: 'MD5',
      },
      KEY,
    );
    expect(config.package).toBe('Sign=WXPay');
    expect(config.partnerid).toBe('10000100');
    expect(config.sign).toBe('31674D25C1F37EE844324269AA192FA1');
  });
});

describe('verifyFields', () => {
  const signed = { ...TV1, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' };

  it('accepts the right signature and ignores the sign field itself', () => {
    expect(verifyFields(signed, signed.sign, KEY, 'MD5')).toBe(true);
    expect(verifyFields(signed, signed.sign.toLowerCase(), KEY, 'MD5')).toBe(true);
  });

  it('rejects a tampered field, a wrong key, the wrong type and junk', () => {
    expect(verifyFields({ ...signed, body: 'tesT' }, signed.sign, KEY, 'MD5')).toBe(false);
    expect(verifyFields(signed, signed.sign, `${KEY.slice(0, 31)}x`, 'MD5')).toBe(false);
    const hmac = signFields(TV1, KEY, 'HMAC-SHA256');
    expect(verifyFields(TV1, hmac, KEY, 'MD5')).toBe(false);
    expect(verifyFields(TV1, '', KEY, 'MD5')).toBe(false);
    expect(verifyFields(TV1, '非ASCII签名'.repeat(4), KEY, 'MD5')).toBe(false);
  });

  it('includes unknown extension fields and treats null/undefined like empty', () => {
    const base = signFields(TV1, KEY, 'MD5');
    expect(signFields({ ...TV1, x_ext: 'v' }, KEY, 'MD5')).not.toBe(base);
    expect(signFields({ ...TV1, x_ext: null, y_ext: undefined, z: '' }, KEY, 'MD5')).toBe(base);
  });

  it('sorts names by byte order (upper case before lower case)', () => {
    expect(buildSignString({ b: '1', B: '2', a_b: '3', a: '4' }, 'k')).toBe(
      'B=2&a=4&a_b=3&b=1&key=k',
    );
  });
});
