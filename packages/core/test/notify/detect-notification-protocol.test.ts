import { describe, expect, it } from 'vitest';
import {
  detectNotificationProtocol,
  headerRecord,
  protocolFromHeaders,
} from '../../src/notify/detect-notification-protocol.js';

const v3Headers = { 'wechatpay-signature': 'c2ln', 'wechatpay-timestamp': '1700000000' };

describe('detectNotificationProtocol', () => {
  it.each([
    ['XML', {}, '<xml><return_code>SUCCESS</return_code></xml>', 'v2'],
    ['XML after a BOM and whitespace', {}, '\uFEFF \n\t<xml/>', 'v2'],
    ['XML bytes', {}, new TextEncoder().encode('  <xml/>'), 'v2'],
    ['XML bytes from the first byte', {}, new TextEncoder().encode('<xml/>'), 'v2'],
    ['JSON bytes from the first byte', v3Headers, new TextEncoder().encode('{"id":"EV"}'), 'v3'],
    ['JSON bytes after a BOM', {}, new TextEncoder().encode('\uFEFF{"id":"EV"}'), 'v3'],
    ['bytes that are neither', {}, new TextEncoder().encode('return_code=SUCCESS'), undefined],
    ['XML even with Wechatpay-* headers', v3Headers, '<xml/>', 'v2'],
    ['JSON with Wechatpay-* headers', v3Headers, '{"id":"EV"}', 'v3'],
    ['JSON without them (refused later, in v3 terms)', {}, ' {"id":"EV"}', 'v3'],
    ['Wechatpay-* headers with an empty body', v3Headers, '', 'v3'],
    ['mixed-case header names', { 'Wechatpay-Serial': 'PUB' }, 'garbage', 'v3'],
    ['an empty body', {}, '', undefined],
    ['text that is neither', {}, 'return_code=SUCCESS', undefined],
  ] as const)('%s → %s', (_name, headers, body, expected) => {
    expect(detectNotificationProtocol(headers, body)).toBe(expected);
  });
});

describe('protocolFromHeaders (for a body that could not be read)', () => {
  it('Wechatpay-* headers → v3, an XML content type → v2, else unknown', () => {
    expect(protocolFromHeaders(v3Headers)).toBe('v3');
    expect(protocolFromHeaders({ 'content-type': 'text/xml; charset=utf-8' })).toBe('v2');
    expect(protocolFromHeaders({ 'content-type': 'application/json' })).toBeUndefined();
  });
});

describe('headerRecord', () => {
  it('turns Web Headers and node records alike into lower-case records', () => {
    const web = new Headers({ 'Wechatpay-Serial': 'PUB_KEY_ID_1', 'Content-Type': 'text/xml' });
    expect(headerRecord(web)).toEqual({
      'wechatpay-serial': 'PUB_KEY_ID_1',
      'content-type': 'text/xml',
    });
    expect(headerRecord({ 'Wechatpay-Nonce': 'n', 'x-multi': ['a', 'b'] })).toEqual({
      'wechatpay-nonce': 'n',
      'x-multi': ['a', 'b'],
    });
    expect(headerRecord(undefined)).toEqual({});
  });
});
