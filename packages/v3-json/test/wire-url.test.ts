import { describe, expect, it } from 'vitest';
import { createWireUrl } from '../src/wire-url.js';

const BASES = [
  'https://api.mch.weixin.qq.com',
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8080/prefix',
  'http://127.0.0.1:8080/prefix/',
  'HTTP://API.Example.COM',
  'https://api.example.com:443',
  'http://127.0.0.1/a/.',
  'http://127.0.0.1/a/%2E',
  'http://127.0.0.1?x=1',
];

const PATHS = [
  '/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109',
  '/v3/pay/transactions/id/4200000215201811190261405420?mchid=1230000109',
  '/v3/refund/domestic/refunds/R-1_2.3~4',
  '/v3/pay/transactions/out-trade-no/a%20b?mchid=1',
  '/v3/bill/tradebill?bill_date=2024-01-01&bill_type=ALL',
  '/v3/a/../b',
  '/v3/a/./b',
  '/v3/a/%2e%2e/b',
  '/v3/a/%2E/b',
  '/v3/a/..',
  '/v3/a b',
  '/v3/a"b',
  "/v3/a?b='c'",
  '/v3/a#frag',
  '/v3/订单',
  '/v3/a\\b',
  '/v3/a{b}',
  '/v3/a`b',
  '/v3/a<b>',
  '/v3/a?x=1?y=2',
  '/v3/a?q=a b',
  '/v3/a|b^c',
  '/v3/a\tb',
  '/v3/a%zz',
  '//v3/double',
];

/** What `new URL(base + path)` gives: the reference the fast join must always equal. */
function parsed(base: string, path: string) {
  const url = new URL(`${base}${path}`);
  return { href: url.href, wirePath: `${url.pathname}${url.search}` };
}

describe('createWireUrl', () => {
  it('gives exactly what new URL gives, for every base and path', () => {
    let compared = 0;
    for (const base of BASES) {
      const join = createWireUrl(base);
      for (const path of PATHS) {
        expect(join(path), `${base} + ${path}`).toEqual(parsed(base, path));
        compared++;
      }
    }
    expect(compared).toBe(BASES.length * PATHS.length);
  });

  it('takes the fast join for plain paths on a verbatim base (same strings, no parse)', () => {
    const join = createWireUrl('http://127.0.0.1:8080/prefix');
    const path = '/v3/pay/transactions/out-trade-no/X1?mchid=1';
    expect(join(path)).toEqual({
      href: `http://127.0.0.1:8080/prefix${path}`,
      wirePath: `/prefix${path}`,
    });
  });
});
