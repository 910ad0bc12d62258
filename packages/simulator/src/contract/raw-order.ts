import type { Dispatcher } from 'undici';
import type { Simulator } from '../start-simulator.js';
import { v2Request, v3Request } from './raw-client.js';

/** An order to create directly on the simulator, bypassing the client under test. */
export interface RawOrder {
  readonly outTradeNo: string;
  /** Amount in fen. */
  readonly total: number;
  readonly notifyUrl: string;
  readonly description?: string;
  /** v2 only: the sign type of the request, which the simulator also signs notifications with. */
  readonly v2SignType?: 'MD5' | 'HMAC-SHA256';
  /**
   * v3 only: sent as `Wechatpay-Serial`, which picks the key the simulator signs the order's
   * notifications with (default: the WeChat Pay public key's id).
   */
  readonly v3Serial?: string;
  /** Partner mode: create it for this sub-merchant of the simulated provider. */
  readonly subMchId?: string;
}

/**
 * Creates a native order through one protocol with the suite's own small client: how the
 * contract gets an order (and its notifications) in the protocol the client under test does
 * not create in. Fails the calling test when the simulator refuses it.
 */
export async function createRawOrder(
  sim: Simulator,
  protocol: 'v2' | 'v3',
  order: RawOrder,
  options: { readonly dispatcher?: Dispatcher } = {},
): Promise<void> {
  const description = order.description ?? 'contract';
  if (protocol === 'v3') {
    const res = await v3Request(
      sim.url,
      'POST',
      order.subMchId ? '/v3/pay/partner/transactions/native' : '/v3/pay/transactions/native',
      sim.merchant,
      {
        ...(order.subMchId
          ? {
              sp_appid: sim.merchant.appId,
              sp_mchid: sim.merchant.mchId,
              sub_mchid: order.subMchId,
            }
          : { appid: sim.merchant.appId, mchid: sim.merchant.mchId }),
        description,
        out_trade_no: order.outTradeNo,
        notify_url: order.notifyUrl,
        amount: { total: order.total, currency: 'CNY' },
      },
      { ...options, wechatpaySerial: order.v3Serial ?? sim.merchant.wechatpayPublicKey.id },
    );
    if (res.status !== 200) throw new Error(`v3 order refused: ${res.status} ${res.text}`);
    return;
  }
  const res = await v2Request(
    sim.url,
    '/pay/unifiedorder',
    sim.merchant,
    {
      body: description,
      out_trade_no: order.outTradeNo,
      total_fee: String(order.total),
      spbill_create_ip: '127.0.0.1',
      notify_url: order.notifyUrl,
      trade_type: 'NATIVE',
      product_id: 'P1',
      ...(order.subMchId ? { sub_mch_id: order.subMchId } : {}),
    },
    order.v2SignType ?? 'MD5',
    options,
  );
  if (res.fields.result_code !== 'SUCCESS') throw new Error(`v2 order refused: ${res.text}`);
}
