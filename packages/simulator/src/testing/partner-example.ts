import type { SimulatedSubMerchant } from '../partner/sub-merchants.js';
import type { Simulator } from '../simulator-types.js';

/**
 * The order of the adapters' README partner example, in the fields both protocols share; each
 * adapter's test adds its own (v2 `clientIp`, `limitPay` …; v3 `goodsDetail` …).
 */
export const PARTNER_EXAMPLE_ORDER = {
  kind: 'native',
  outTradeNo: 'PARTNER_0001',
  description: 'Sub-merchant order',
  amount: { total: 100 },
  notifyUrl: 'http://127.0.0.1:8080/wxpay/notify',
} as const;

/** The first sub-merchant bound to the simulator's provider (it binds two by default). */
export function firstSubMerchant(sim: Pick<Simulator, 'subMerchants'>): SimulatedSubMerchant {
  const [shop] = sim.subMerchants.list();
  if (!shop) throw new Error('the simulator has no sub-merchant bound');
  return shop;
}
