/** tenpay `orderQuery`, its `urls.orderquery` pointed at the loopback server. */
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import { API_KEY, V2_APPID, V2_MCHID, V2_OUT_TRADE_NO } from '../fixtures.js';
import { Tenpay } from '../peers.js';

/** Builds the tenpay contestant (v2 only). */
export function buildTenpay(job: WorkerJob): BuiltClient {
  const tp = new Tenpay({ appid: V2_APPID, mchid: V2_MCHID, partnerKey: API_KEY });
  tp.urls.orderquery = `${job.origin}/pay/orderquery`;
  return {
    call: () => tp.orderQuery({ out_trade_no: V2_OUT_TRADE_NO }),
    check: (r) =>
      field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V2_OUT_TRADE_NO
        ? undefined
        : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
  };
}
