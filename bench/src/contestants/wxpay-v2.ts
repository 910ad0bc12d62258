/** wxpay v2 as shipped: `createV2Client().queryOrder` (MD5). */
import { createV2Client } from '@wxpay/v2-xml';
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import { API_KEY, V2_APPID, V2_MCHID, V2_OUT_TRADE_NO } from '../fixtures.js';

/** Builds the wxpay v2 contestant. */
export function buildWxpayV2(job: WorkerJob): BuiltClient {
  const client = createV2Client({
    appId: V2_APPID,
    mchId: V2_MCHID,
    apiKey: API_KEY,
    signType: 'MD5',
    baseUrl: job.origin,
  });
  return {
    call: () => client.queryOrder({ outTradeNo: V2_OUT_TRADE_NO }),
    check: (o) =>
      field(o, 'state') === 'SUCCESS' &&
      field(o, 'outTradeNo') === V2_OUT_TRADE_NO &&
      field(o, 'transactionId') === '1008450740201411110005820873'
        ? undefined
        : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
  };
}
