import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { fundFlowBill, type TradeBillType, tradeBill } from '../bills.js';
import { encryptAeadAes256Gcm } from '../ciphers.js';
import type { HandlerContext, IncomingCall } from '../context.js';
import { formatRfc3339 } from '../time-format.js';
import { ApiFailure, type Out } from './api-failure.js';

/** `GET /v3/certificates` (unavailable once a merchant uses only the public key). */
export function certificates(ctx: HandlerContext): Out {
  if (ctx.trust === 'public-key') {
    throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '商户已切换为微信支付公钥，平台证书不可用');
  }
  return {
    status: 200,
    json: {
      data: ctx.platformKeys().map((k) => ({
        serial_no: k.serial,
        effective_time: formatRfc3339(k.notBefore),
        expire_time: formatRfc3339(k.notAfter),
        encrypt_certificate: encryptAeadAes256Gcm(
          ctx.creds.apiV3Key,
          k.certificatePem ?? '',
          'certificate',
        ),
      })),
    },
  };
}

/** `GET /v3/bill/tradebill` and `/v3/bill/fundflowbill`: hash plus a short-lived download URL. */
export function billLink(ctx: HandlerContext, call: IncomingCall): Out {
  const date = call.query.get('bill_date') ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new ApiFailure(400, 'PARAM_ERROR', 'bill_date格式错误');
  const tar = call.query.get('tar_type');
  if (tar !== null && tar !== 'GZIP') throw new ApiFailure(400, 'PARAM_ERROR', 'tar_type不合法');
  let csv: string | undefined;
  if (call.path === '/v3/bill/tradebill') {
    const type = call.query.get('bill_type') ?? 'ALL';
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(type)) {
      throw new ApiFailure(400, 'PARAM_ERROR', 'bill_type不合法');
    }
    csv = tradeBill(ctx.store.all(), date, type as TradeBillType);
  } else {
    const account = call.query.get('account_type') ?? 'BASIC';
    if (!['BASIC', 'OPERATION', 'FEES'].includes(account)) {
      throw new ApiFailure(400, 'PARAM_ERROR', 'account_type不合法');
    }
    csv = account === 'BASIC' ? fundFlowBill(ctx.store.all(), date) : undefined;
  }
  if (csv === undefined) throw new ApiFailure(400, 'NO_STATEMENT_EXIST', '账单不存在');
  // v3 bills are UTF-8 with a BOM; the hash is over the uncompressed CSV (docs/protocol/v3.md).
  const raw = Buffer.from(`\ufeff${csv}`, 'utf8');
  const token = ctx.issueBill(tar === 'GZIP' ? gzipSync(raw) : raw);
  return {
    status: 200,
    json: {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(raw).digest('hex'),
      download_url: `${ctx.baseUrl()}/v3/billdownload/file?token=${token}`,
    },
  };
}

/** `GET /v3/billdownload/file`: the bill bytes (unsigned, as at WeChat Pay). */
export function billFile(ctx: HandlerContext, call: IncomingCall): Out {
  const content = ctx.bill(call.query.get('token') ?? '');
  if (!content) throw new ApiFailure(404, 'RESOURCE_NOT_EXISTS', '账单文件不存在或已过期');
  return {
    kind: 'raw',
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: content,
  };
}
