/** wxpay v3 as shipped: `createV3Client().queryOrder` or `.createOrder` (Native). */
import { createV3Client } from '@wxpay/v3-json';
import { type BuiltClient, field, type WorkerJob } from '../e2e-job.js';
import {
  API_V3_KEY,
  V3_APPID,
  V3_MCHID,
  V3_NATIVE_DESCRIPTION,
  V3_NATIVE_NOTIFY_URL,
  V3_OUT_TRADE_NO,
  V3_PUB_KEY_ID,
  V3_SERIAL,
} from '../fixtures.js';

/** Builds the wxpay v3 contestant. */
export function buildWxpayV3(job: WorkerJob): BuiltClient {
  const client = createV3Client({
    mchId: V3_MCHID,
    appId: V3_APPID,
    privateKey: job.keys.merchantPrivate,
    certificateSerial: V3_SERIAL,
    apiV3Key: API_V3_KEY,
    wechatpayPublicKey: { id: V3_PUB_KEY_ID, key: job.keys.platformPublic },
    platformCertificates: 'off',
    baseUrl: job.origin,
  });
  if (job.operation === 'create') {
    return {
      call: () =>
        client.createOrder({
          kind: 'native',
          outTradeNo: V3_OUT_TRADE_NO,
          description: V3_NATIVE_DESCRIPTION,
          amount: { total: 100 },
          notifyUrl: V3_NATIVE_NOTIFY_URL,
        }),
      check: (p) =>
        field(p, 'kind') === 'native' &&
        String(field(p, 'codeUrl')).startsWith('weixin://wxpay/bizpayurl')
          ? undefined
          : `unexpected prepay ${JSON.stringify(p).slice(0, 120)}`,
    };
  }
  return {
    call: () => client.queryOrder({ outTradeNo: V3_OUT_TRADE_NO }),
    check: (o) =>
      field(o, 'state') === 'SUCCESS' &&
      field(o, 'outTradeNo') === V3_OUT_TRADE_NO &&
      field(field(o, 'amount'), 'total') === 100
        ? undefined
        : `unexpected order ${JSON.stringify(o).slice(0, 120)}`,
  };
}
