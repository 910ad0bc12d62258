import { gzipSync } from 'node:zlib';
import { type TradeBillType, tradeBill } from '../bills.js';
import type { HandlerContext, RawReply, Reply } from '../context.js';
import type { V2Request } from './v2-outcomes.js';
import { buildXml } from './xml-codec.js';

const BILL_TYPES = new Set(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND']);

/** `/pay/downloadbill`: raw CSV (or gzip) on success, an unsigned XML failure otherwise. */
export function downloadBill(ctx: HandlerContext, req: V2Request): Reply {
  const billFail = (msg: string, code: string): RawReply => ({
    kind: 'raw',
    status: 200,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: Buffer.from(buildXml({ return_code: 'FAIL', return_msg: msg, error_code: code })),
  });
  if (!/^\d{8}$/.test(req.bill_date ?? '')) return billFail('invalid bill_date', '20001');
  const type = req.bill_type || 'ALL';
  if (!BILL_TYPES.has(type)) return billFail('invalid bill_type', '20001');
  if (req.tar_type && req.tar_type !== 'GZIP') return billFail('invalid tar_type', '20001');
  const csv =
    type === 'RECHARGE_REFUND'
      ? undefined
      : tradeBill(ctx.store.all(), req.bill_date ?? '', type as TradeBillType);
  if (csv === undefined) return billFail('No Bill Exist', '20002');
  const raw = Buffer.from(csv, 'utf8');
  return req.tar_type === 'GZIP'
    ? {
        kind: 'raw',
        status: 200,
        headers: { 'Content-Type': 'application/x-gzip' },
        body: gzipSync(raw),
      }
    : {
        kind: 'raw',
        status: 200,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: raw,
      };
}
