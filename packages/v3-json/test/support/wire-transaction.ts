/** A paid JSAPI transaction as the v3 query endpoint returns it (the documented example). */
const PAID = {
  appid: 'wxd678efh567hg6787',
  mchid: '1230000109',
  out_trade_no: '1217752501201407033233368018',
  transaction_id: '4200000215201811190261405420',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMC',
  success_time: '2018-06-08T10:34:56+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};

/**
 * The wire transaction of a paid order with some fields replaced or added: each suite names
 * only what it depends on (its merchant, a payer total, coupons), the rest is the example.
 */
export function wireTransaction<T extends object>(fields: T): Omit<typeof PAID, keyof T> & T {
  return { ...PAID, ...fields };
}
