import type { Reply } from '../context.js';

/** Answer fields of a v2 endpoint (undefined ones are left out). */
export type Fields = Record<string, string | undefined>;

/** A parsed v2 request. */
export type V2Request = Record<string, string>;

/** `out_trade_no` rule (docs/protocol/v2.md). */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** `out_refund_no` rule. */
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
/** A positive whole number of fen. */
export const FEN = /^[1-9]\d{0,9}$/;

/** A communication-layer failure: `return_code=FAIL`, unsigned. */
export const fail = (msg: string): Reply => ({
  kind: 'v2',
  fields: { return_code: 'FAIL', return_msg: msg },
  signType: undefined,
});

/** A business failure: a signed `result_code=FAIL` with `err_code` (plus optional fields). */
export class BusinessError {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly extra: Fields = {},
  ) {}
}

/** A parameter failure, answered at the communication layer (`return_code=FAIL`). */
export class ParamError {
  constructor(readonly message: string) {}
}

/** Throws a {@link ParamError} for the first missing field. */
export function required(req: V2Request, ...names: string[]): void {
  for (const name of names) if (!req[name]) throw new ParamError(`缺少参数${name}`);
}

/**
 * The notify_url rule: https without a query string, as live WeChat Pay requires. Plain http
 * is let through only for loopback hosts, which can only be a local receiver under test.
 */
export function acceptableNotifyUrl(url: string): boolean {
  if (!/^https?:\/\/[^?#]+$/.test(url)) return false;
  if (url.startsWith('https://')) return true;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Checks an order-creating request (`unifiedorder`, `micropay`): the `named` fields present,
 * then the out_trade_no and total_fee formats. Returns the out_trade_no.
 */
export function checkOrderRequest(req: V2Request, ...named: string[]): string {
  required(req, 'body', 'out_trade_no', 'total_fee', 'spbill_create_ip', ...named);
  const outTradeNo = req.out_trade_no ?? '';
  if (!OUT_TRADE_NO.test(outTradeNo)) throw new ParamError('out_trade_no参数格式错误');
  if (!FEN.test(req.total_fee ?? '')) throw new ParamError('total_fee参数格式错误');
  return outTradeNo;
}
