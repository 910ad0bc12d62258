import { createHash, generateKeyPairSync, sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import { SignatureProbeError, SignatureVerificationError, WxPayError } from '@wxpay/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAuthorization, parseAuthorization } from '../../src/signing/authorization.js';
import {
  buildPaySignMessage,
  buildRequestMessage,
  buildVerifyMessage,
} from '../../src/signing/build-message.js';
import { signMessage, verifySignature } from '../../src/signing/sign.js';
import { verifyWechatpaySignature } from '../../src/signing/verify.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const TS = 1554208460;
const NONCE = '593BEC0C930BF1AFEB40B4A08C8FB242';

describe('string-to-sign vectors (docs/protocol/vectors)', () => {
  it('TV8: GET with query, and GET /v3/certificates', () => {
    const msg = buildRequestMessage(
      'GET',
      '/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109',
      TS,
      NONCE,
    );
    expect(Buffer.byteLength(msg)).toBe(129);
    expect(sha256(msg)).toBe('911a30bdd5372710c72b5848b973a6f50836c145fd0f51b6a0f1e2292b749e78');
    expect(sha256(buildRequestMessage('get', '/v3/certificates', TS, NONCE, ''))).toBe(
      'fab5c8a222049f386cb01453c7dc712c7997e756271557b0ef6e2e5060575373',
    );
  });

  it('TV9: POST with a UTF-8 body, and close', () => {
    const body =
      '{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}';
    const msg = buildRequestMessage('POST', '/v3/pay/transactions/jsapi', TS, NONCE, body);
    expect(Buffer.byteLength(msg)).toBe(372);
    expect(sha256(msg)).toBe('5f4ed3f0e21e3d84a9fd3f4aae32d1e72f5d83fcbf22957c3a08af6368cd2ede');
    const close = buildRequestMessage(
      'POST',
      '/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close',
      TS,
      NONCE,
      '{"mchid":"1230000109"}',
    );
    expect(sha256(close)).toBe('70f396e6012e2655b5cdade32623edbe3ed6f49b205097c0e1b478a1be0b4b0f');
  });

  it('TV10: verification message, with a body and empty (204)', () => {
    const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';
    expect(sha256(buildVerifyMessage(1554209980, 'c5ac7061fccab6bf3e254dcf98995b8c', body))).toBe(
      '43f8f888927e7e6eb06dca9376e4aa68f9bebdda04a7f4f67dc2f551c82ce7e6',
    );
    expect(
      sha256(buildVerifyMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', Buffer.alloc(0))),
    ).toBe('b1cab5cc6396ec26ebb5e9a88541418a3a85febbf50e2974879049e928c54373');
  });

  it('TV11/TV12: JSAPI paySign and App sign messages', () => {
    expect(
      sha256(
        buildPaySignMessage(
          'wx8888888888888888',
          '1414561699',
          '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
          'prepay_id=wx201410272009395522657a690389285100',
        ),
      ),
    ).toBe('e9f240553b798164cd07071a90bf684071b40781f3dafca1f828346682147df3');
    expect(
      sha256(
        buildPaySignMessage(
          'wx8888888888888888',
          1414561699,
          '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
          'WX1217752501201407033233368018',
        ),
      ),
    ).toBe('b4e00a5385076c87318f7417c4e0d00124d1f53275ad85b81d3f466f0dcc68ed');
  });

  it('a body ending in a newline still gets the terminating newline', () => {
    expect(buildRequestMessage('POST', '/v3/x', 1, 'n', '{}\n')).toBe('POST\n/v3/x\n1\nn\n{}\n\n');
  });
});

describe('signing', () => {
  it('signs SHA256withRSA so the merchant public key verifies it (async API)', async () => {
    const msg = buildRequestMessage('GET', '/v3/certificates', TS, NONCE);
    const sig = await signMessage(privateKey, msg);
    expect(rsaVerify('sha256', Buffer.from(msg), publicKey, Buffer.from(sig, 'base64'))).toBe(true);
    expect(await verifySignature(publicKey, msg, sig)).toBe(true);
    expect(await verifySignature(other.publicKey, msg, sig)).toBe(false);
    expect(await verifySignature(publicKey, msg, 'not base64!')).toBe(false);
  });

  it('builds and parses the Authorization header', async () => {
    const message = buildRequestMessage('GET', '/v3/certificates', TS, NONCE);
    const signature = await signMessage(privateKey, message);
    const header = buildAuthorization({
      mchId: '1900009191',
      nonce: NONCE,
      timestamp: TS,
      serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
      signature,
    });
    expect(header).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="${NONCE}",signature="${signature}",timestamp="${TS}",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`,
    );
    const parts = parseAuthorization(header);
    expect(parts).toMatchObject({ mchId: '1900009191', nonce: NONCE, timestamp: String(TS) });
    expect(parseAuthorization('Bearer x')).toBeUndefined();
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1"')).toBeUndefined();
  });

  it('property: any body signs and verifies; a changed body does not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.nat(), async (body, flip) => {
        const msg = buildVerifyMessage(TS, NONCE, body);
        const sig = await signMessage(privateKey, msg);
        expect(await verifySignature(publicKey, msg, sig)).toBe(true);
        const changed = Buffer.from(msg);
        const at = flip % changed.length;
        changed[at] = (changed[at] ?? 0) ^ 0x01;
        expect(await verifySignature(publicKey, changed, sig)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('verifyWechatpaySignature', () => {
  const NOW = 1554209980;
  const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';
  const headersFor = (ts: number, extra: Record<string, string> = {}) => {
    const nonce = 'c5ac7061fccab6bf3e254dcf98995b8c';
    const signature = rsaSign('sha256', buildVerifyMessage(ts, nonce, body), privateKey).toString(
      'base64',
    );
    return {
      'Wechatpay-Timestamp': String(ts),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': 'ABC123',
      ...extra,
    };
  };
  const resolveKey = async (serial: string) => (serial === 'ABC123' ? publicKey : undefined);
  const check = (headers: Record<string, string>, b: string | Uint8Array = body) =>
    verifyWechatpaySignature({ headers, body: b, nowSeconds: NOW, resolveKey });

  it('accepts a valid signature (case-insensitive header names)', async () => {
    await expect(check(headersFor(NOW))).resolves.toMatchObject({ serial: 'ABC123' });
  });

  it('TV15: ±300 s pass, ±301 s fail', async () => {
    await expect(check(headersFor(NOW - 300))).resolves.toBeDefined();
    await expect(check(headersFor(NOW + 300))).resolves.toBeDefined();
    await expect(check(headersFor(NOW - 301))).rejects.toThrow(SignatureVerificationError);
    await expect(check(headersFor(NOW + 301))).rejects.toThrow(/in the future/);
  });

  it('TV14: a WECHATPAY/SIGNTEST/ probe is a SignatureProbeError before any key lookup', async () => {
    let lookups = 0;
    const err = await verifyWechatpaySignature({
      headers: headersFor(NOW, { 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/abc' }),
      body,
      nowSeconds: NOW,
      resolveKey: async () => {
        lookups++;
        return publicKey;
      },
    }).catch((e: unknown) => e);
    expect(SignatureProbeError.isInstance(err)).toBe(true);
    expect(lookups).toBe(0);
  });

  it('rejects missing or empty headers, bad timestamps, unknown serials and signature types', async () => {
    for (const name of [
      'Wechatpay-Timestamp',
      'Wechatpay-Nonce',
      'Wechatpay-Signature',
      'Wechatpay-Serial',
    ]) {
      const h: Record<string, string> = headersFor(NOW);
      delete h[name];
      await expect(check(h)).rejects.toThrow(`missing ${name}`);
      await expect(check({ ...headersFor(NOW), [name]: ' ' })).rejects.toThrow(
        SignatureVerificationError,
      );
    }
    await expect(check(headersFor(NOW, { 'Wechatpay-Timestamp': '1e9' }))).rejects.toThrow(
      /not a Unix time/,
    );
    await expect(check(headersFor(NOW, { 'Wechatpay-Serial': 'FFFF' }))).rejects.toThrow(
      /no WeChat Pay public key or platform certificate/,
    );
    await expect(
      check(headersFor(NOW, { 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' })),
    ).rejects.toThrow(/Signature-Type/);
  });

  it('one byte changed in body, timestamp or nonce fails', async () => {
    const h = headersFor(NOW);
    await expect(check(h, body.replace('wx2', 'wx3'))).rejects.toThrow(/does not verify/);
    await expect(check({ ...h, 'Wechatpay-Timestamp': String(NOW - 1) })).rejects.toThrow(
      /does not verify/,
    );
    await expect(
      check({ ...h, 'Wechatpay-Nonce': `${h['Wechatpay-Nonce'].slice(0, -1)}9` }),
    ).rejects.toThrow(/does not verify/);
    const e = await check(h, `${body} `).catch((x: unknown) => x);
    expect(WxPayError.isInstance(e)).toBe(true);
  });
});
