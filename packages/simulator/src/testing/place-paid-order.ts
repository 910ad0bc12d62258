import type { Simulator } from '../simulator-types.js';

/** A native order as both adapters take it: the fields {@link placePaidOrder} sends. */
export interface PaidNativeOrder {
  readonly kind: 'native';
  readonly outTradeNo: string;
  readonly description: string;
  readonly amount: { readonly total: number };
  readonly clientIp: string;
}

/** Any client that can place a native order (a `V2Client` or a `V3Client`). */
export interface NativeOrderClient {
  createOrder(order: PaidNativeOrder): Promise<unknown>;
}

/**
 * Places a native order of `total` fen through `client` and has the simulator pay it silently
 * (no notification), so the order is SUCCESS when this resolves. Returns `outTradeNo`.
 */
export async function placePaidOrder(
  sim: Pick<Simulator, 'pay'>,
  client: NativeOrderClient,
  outTradeNo: string,
  total = 100,
): Promise<string> {
  await client.createOrder({
    kind: 'native',
    outTradeNo,
    description: 'paid order',
    amount: { total },
    clientIp: '127.0.0.1',
  });
  sim.pay(outTradeNo, { silent: true });
  return outTradeNo;
}
