import type { CreateOrderParams } from '@wxpay/core';

// The demo's payer: an openid of the documentation's examples and an address reserved for
// documentation (RFC 5737), so no real person or host is named.
const DEMO_OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
const DEMO_CLIENT_IP = '203.0.113.7';

/** A demo order of `total` fen: JSAPI (paid by the demo's payer) or Native (a QR code). */
export function demoOrder(
  kind: 'jsapi' | 'native',
  outTradeNo: string,
  description: string,
  total: number,
): CreateOrderParams {
  const base = { outTradeNo, description, amount: { total }, clientIp: DEMO_CLIENT_IP };
  return kind === 'jsapi' ? { ...base, kind, payer: { openid: DEMO_OPENID } } : { ...base, kind };
}
