import { expect } from 'vitest';
import { type RawAnswer, v3Request } from '../../src/contract/raw-client.js';
import type { Simulator } from '../../src/start-simulator.js';

/** A native order to create through v3; the notify_url defaults to a closed local port. */
export interface V3NativeOrder {
  readonly outTradeNo: string;
  readonly total?: number;
  readonly description?: string;
  readonly notifyUrl?: string;
}

// The order fields both the direct and the partner native endpoint take.
const nativeFields = (order: V3NativeOrder) => ({
  description: order.description ?? 'simulator test',
  out_trade_no: order.outTradeNo,
  notify_url: order.notifyUrl ?? 'http://127.0.0.1:9/notify',
  amount: { total: order.total ?? 100, currency: 'CNY' },
});

/** Creates an unpaid native order through the simulator's v3 API and expects it accepted. */
export async function createV3NativeOrder(sim: Simulator, order: V3NativeOrder): Promise<void> {
  const res = await v3Request(sim.url, 'POST', '/v3/pay/transactions/native', sim.merchant, {
    appid: sim.merchant.appId,
    mchid: sim.merchant.mchId,
    ...nativeFields(order),
  });
  expect(res.status).toBe(200);
}

/**
 * Creates an unpaid native order for sub-merchant `subMchId` through the v3 partner API (the
 * simulated merchant as provider) and expects it accepted.
 */
export async function createV3PartnerNativeOrder(
  sim: Simulator,
  subMchId: string,
  order: V3NativeOrder,
): Promise<void> {
  const res = await v3Request(
    sim.url,
    'POST',
    '/v3/pay/partner/transactions/native',
    sim.merchant,
    {
      sp_appid: sim.merchant.appId,
      sp_mchid: sim.merchant.mchId,
      sub_mchid: subMchId,
      ...nativeFields(order),
    },
  );
  expect(res.status).toBe(200);
}

/**
 * Asks for a v3 refund of `refund` fen out of `total` for order `outTradeNo`, with out_refund_no
 * `<outTradeNo>R` unless given; returns the answer unchecked (some tests expect a refusal).
 */
export function refundV3(
  sim: Simulator,
  outTradeNo: string,
  amount: { readonly refund: number; readonly total: number },
  outRefundNo = `${outTradeNo}R`,
): Promise<RawAnswer & { json: unknown }> {
  return v3Request(sim.url, 'POST', '/v3/refund/domestic/refunds', sim.merchant, {
    out_trade_no: outTradeNo,
    out_refund_no: outRefundNo,
    amount: { ...amount, currency: 'CNY' },
  });
}
