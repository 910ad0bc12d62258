/** wechatpay-axios-plugin: the chained v3 query and the v2 orderquery. */
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import {
  API_KEY,
  V2_APPID,
  V2_MCHID,
  V2_OUT_TRADE_NO,
  V3_MCHID,
  V3_OUT_TRADE_NO,
  V3_PUB_KEY_ID,
  V3_SERIAL,
} from '../fixtures.js';
import { axiosChain, axiosPlugin } from '../peers.js';

/** Builds the axios-plugin contestant for the job's protocol. */
export function buildAxiosPlugin(job: WorkerJob): BuiltClient {
  const wx = new axiosPlugin({
    mchid: job.protocol === 'v3' ? V3_MCHID : V2_MCHID,
    serial: V3_SERIAL,
    privateKey: job.keys.merchantPrivate,
    certs: { [V3_PUB_KEY_ID]: job.keys.platformPublic },
    ...(job.protocol === 'v2' ? { secret: API_KEY } : {}),
    baseURL: `${job.origin}/`,
  });
  if (job.protocol === 'v3') {
    return {
      // The README's chained form; the plugin turns `outTradeNo` into `out-trade-no`.
      call: async () => {
        const get = axiosChain(
          wx.v3,
          ['pay', 'transactions', 'outTradeNo', '{out_trade_no}'],
          'get',
        );
        return (await get({ params: { mchid: V3_MCHID }, out_trade_no: V3_OUT_TRADE_NO })).data;
      },
      check: (r) =>
        field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V3_OUT_TRADE_NO
          ? undefined
          : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
    };
  }
  return {
    call: async () => {
      const post = axiosChain(wx.v2, ['pay', 'orderquery'], 'post');
      const fields = { appid: V2_APPID, mch_id: V2_MCHID, out_trade_no: V2_OUT_TRADE_NO };
      return (await post({ ...fields, sign_type: 'MD5' })).data;
    },
    check: (r) =>
      field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V2_OUT_TRADE_NO
        ? undefined
        : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
  };
}
