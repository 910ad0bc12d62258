import { describe, expect, it } from 'vitest';
import { errorHint, formatApiErrorMessage, looksLikePath } from '../src/error-hints.js';

describe('formatApiErrorMessage', () => {
  it('says what happened, the code and message, protocol, status, Request-ID and what to check', () => {
    const text = formatApiErrorMessage({
      protocol: 'v3',
      code: 'SIGN_ERROR',
      message: '签名错误',
      status: 401,
      requestId: '08F1A2B3',
    });
    expect(text).toBe(
      'WeChat Pay rejected the request signature: SIGN_ERROR 签名错误 (v3, HTTP 401, Request-ID 08F1A2B3). Check: privateKey belongs to the merchant certificate certificateSerial names, and the clock is within 5 minutes; `wxpay sign v3` prints the message signed.',
    );
  });

  it('gives the same meaning to both spellings of a code and a protocol-specific check', () => {
    const v2 = { protocol: 'v2', code: 'SIGNERROR', message: '签名错误', status: 200 } as const;
    expect(formatApiErrorMessage(v2)).toMatch(
      /^WeChat Pay rejected the request signature: SIGNERROR 签名错误 \(v2, HTTP 200\)\. Check: apiKey is the 32-character APIv2 key/,
    );
    expect(errorHint('ORDERNOTEXIST')).toBe(errorHint('ORDER_NOT_EXIST'));
  });

  it('falls back on the HTTP status for codes outside the table, never inventing one', () => {
    expect(formatApiErrorMessage({ protocol: 'v3', code: 'HTTP_503', status: 503 })).toMatch(
      /^WeChat Pay had a temporary failure: HTTP_503 \(v3, HTTP 503\)\. Check: nothing on your side/,
    );
    expect(
      formatApiErrorMessage({ protocol: 'v3', code: 'SOMETHING_NEW', message: 'x', status: 400 }),
    ).toBe(
      'WeChat Pay answered HTTP 400: SOMETHING_NEW x (v3, HTTP 400). Check: the code and message in the WeChat Pay documentation of this call.',
    );
  });
});

describe('looksLikePath', () => {
  it('tells a path from key material', () => {
    const paths = [
      'apiclient_key.pem',
      './keys/apiclient_key.pem',
      '/etc/wxpay/key.pem',
      'C:\\keys\\k.pem',
    ];
    const keyMaterial = [
      '-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      42,
    ];
    for (const path of paths) expect(looksLikePath(path), path).toBe(true);
    for (const key of keyMaterial) expect(looksLikePath(key)).toBe(false);
  });
});
