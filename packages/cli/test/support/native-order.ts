import type { CreateOrderBase } from '@wxpay/core';

/**
 * A native (QR-code) order from 127.0.0.1, the order every CLI test creates and then pays or
 * refunds through the simulator; tests vary only the number, description and amount.
 */
export function nativeOrder(
  outTradeNo: string,
  description: string,
  total: number,
  extra: Partial<Pick<CreateOrderBase, 'notifyUrl' | 'attach'>> = {},
) {
  return {
    kind: 'native',
    outTradeNo,
    description,
    amount: { total },
    clientIp: '127.0.0.1',
    ...extra,
  } as const;
}
