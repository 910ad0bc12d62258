/** wechatpay-node-v3 `query()`: its hard-coded host rewritten to the loopback server. */
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import { API_V3_KEY, V3_APPID, V3_MCHID, V3_OUT_TRADE_NO, V3_SERIAL } from '../fixtures.js';
import { NODE_V3_ORIGIN, NodeV3, type NodeV3Http, NodeV3PayRequest } from '../peers.js';

/** Builds the wechatpay-node-v3 contestant (v3 query only). */
export function buildNodeV3(job: WorkerJob): BuiltClient {
  const { origin } = job;
  const pay = new NodeV3({
    appid: V3_APPID,
    mchid: V3_MCHID,
    serial_no: V3_SERIAL,
    publicKey: Buffer.from(job.keys.merchantPublic),
    privateKey: Buffer.from(job.keys.merchantPrivate),
    key: API_V3_KEY,
  });
  // Its URLs are hard-coded to the production host: this service only rewrites the origin and
  // sends through the SDK's own superagent service.
  const inner = new NodeV3PayRequest();
  const http: NodeV3Http = {
    get: (url, headers) => inner.get(url.replace(NODE_V3_ORIGIN, origin), headers),
    post: (url, params, headers) =>
      inner.post(url.replace(NODE_V3_ORIGIN, origin), params, headers),
    upload: (url, params, headers) =>
      inner.upload(url.replace(NODE_V3_ORIGIN, origin), params, headers),
  };
  pay.createHttp(http);
  return {
    call: async () => {
      const r = await pay.query({ out_trade_no: V3_OUT_TRADE_NO });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return r.data;
    },
    check: (r) =>
      field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V3_OUT_TRADE_NO
        ? undefined
        : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
  };
}
