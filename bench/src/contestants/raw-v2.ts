/** The raw v2 baseline: template body + MD5, undici `Pool`, fast-xml-parser + sign check. */
import { Pool } from 'undici';
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import { V2_APPID, V2_MCHID, V2_OUT_TRADE_NO } from '../fixtures.js';
import { rawV2Build, rawV2Parser } from '../raw-v2.js';

/** Builds `raw-sync` for v2. */
export function buildRawV2(job: WorkerJob): BuiltClient {
  const pool = new Pool(job.origin);
  const parse = rawV2Parser('MD5');
  return {
    call: async () => {
      const res = await pool.request({
        path: '/pay/orderquery',
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: rawV2Build('MD5', V2_OUT_TRADE_NO),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      const f = parse(text);
      if (f.appid !== V2_APPID || f.mch_id !== V2_MCHID) throw new Error('not our merchant');
      return f;
    },
    check: (r) =>
      field(r, 'trade_state') === 'SUCCESS' && field(r, 'out_trade_no') === V2_OUT_TRADE_NO
        ? undefined
        : `unexpected reply ${JSON.stringify(r).slice(0, 120)}`,
  };
}
