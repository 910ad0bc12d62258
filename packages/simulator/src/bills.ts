import type { SimulatedOrder } from './order-store.js';
import { billDate, formatDashed } from './time-format.js';

const yuan = (fen: number) => (fen / 100).toFixed(2);
const cell = (v: string) => `\`${v}`;
const FEE_RATE = 0.006;
const fee = (fen: number) => Math.round(fen * FEE_RATE);

const TRADE_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TRADE_SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** Which rows a trade bill holds (v2 `bill_type`; v3 uses the same names). */
export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';

/**
 * A trade bill (对账单) for one Beijing-time day, in the official layout: header, detail rows
 * with every cell prefixed by a backtick, summary header and row; amounts in yuan.
 * Undefined when the day has no rows (WeChat answers "No Bill Exist").
 */
export function tradeBill(
  orders: readonly SimulatedOrder[],
  date: string,
  type: TradeBillType,
): string | undefined {
  const rows: string[] = [];
  let count = 0;
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  const onDay = (ms: number | undefined) =>
    ms !== undefined && (billDate(ms).compact === date || billDate(ms).dashed === date);
  for (const o of orders) {
    const base = (status: string, time: number) => [
      formatDashed(time),
      o.appId,
      o.mchId,
      '0',
      o.deviceInfo ?? '',
      o.transactionId ?? '',
      o.outTradeNo,
      o.openid ?? '',
      o.tradeType,
      status,
      o.bankType ?? 'OTHERS',
      o.currency,
    ];
    if (type !== 'REFUND' && onDay(o.paidAt) && o.transactionId) {
      const noCash = o.coupons.filter((c) => c.type === 'NOCASH').reduce((s, c) => s + c.amount, 0);
      const coupons = o.coupons.reduce((s, c) => s + c.amount, 0);
      rows.push(
        [
          ...base('SUCCESS', o.paidAt ?? 0),
          yuan(o.total - noCash),
          yuan(coupons),
          '0',
          '0',
          '0.00',
          '0.00',
          '',
          '',
          o.description,
          o.attach ?? '',
          yuan(fee(o.total)),
          '0.60%',
          yuan(o.total),
          '0.00',
          '',
        ]
          .map(cell)
          .join(','),
      );
      count += 1;
      settled += o.total - noCash;
      fees += fee(o.total);
      ordered += o.total;
    }
    if (type !== 'SUCCESS') {
      for (const r of o.refunds) {
        if (!onDay(r.createdAt)) continue;
        rows.push(
          [
            ...base('REFUND', r.createdAt),
            '0.00',
            '0.00',
            r.refundId,
            r.outRefundNo,
            yuan(r.refund),
            '0.00',
            'ORIGINAL',
            r.status,
            o.description,
            o.attach ?? '',
            yuan(-fee(r.refund)),
            '0.60%',
            '0.00',
            yuan(r.refund),
            '',
          ]
            .map(cell)
            .join(','),
        );
        count += 1;
        refunded += r.refund;
        fees -= fee(r.refund);
      }
    }
  }
  if (rows.length === 0) return undefined;
  const summary = [
    count,
    yuan(settled),
    yuan(refunded),
    '0.00',
    yuan(fees),
    yuan(ordered),
    yuan(refunded),
  ]
    .map((v) => cell(String(v)))
    .join(',');
  return `${TRADE_HEADER}\r\n${rows.join('\r\n')}\r\n${TRADE_SUMMARY_HEADER}\r\n${summary}\r\n`;
}

/** A fund-flow bill (资金账单) for one day: payments as income, refunds as expense. */
export function fundFlowBill(orders: readonly SimulatedOrder[], date: string): string | undefined {
  const rows: string[] = [];
  const income = { count: 0, amount: 0 };
  const expense = { count: 0, amount: 0 };
  let balance = 0;
  // One row per money movement: a payment (交易, 收入) or a refund (退款, 支出).
  const entry = (
    at: number,
    id: string,
    kind: 'payment' | 'refund',
    amount: number,
    no: string,
  ) => {
    const [business, direction, sum] =
      kind === 'payment'
        ? (['交易', '收入', income] as const)
        : (['退款', '支出', expense] as const);
    balance += kind === 'payment' ? amount : -amount;
    sum.amount += amount;
    sum.count += 1;
    const cells = [formatDashed(at), id, `${id}01`, business, business, direction];
    rows.push([...cells, yuan(amount), yuan(balance), 'system', '', no].map(cell).join(','));
  };
  const onDay = (ms: number | undefined) => ms !== undefined && billDate(ms).dashed === date;
  for (const o of orders) {
    if (onDay(o.paidAt) && o.transactionId) {
      entry(o.paidAt ?? 0, o.transactionId, 'payment', o.total, o.outTradeNo);
    }
    for (const r of o.refunds) {
      if (onDay(r.createdAt)) entry(r.createdAt, r.refundId, 'refund', r.refund, r.outRefundNo);
    }
  }
  if (rows.length === 0) return undefined;
  const total = income.count + expense.count;
  const summary = [total, income.count, yuan(income.amount), expense.count, yuan(expense.amount)];
  return [
    '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号',
    ...rows,
    '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
    summary.map((v) => cell(String(v))).join(','),
    '',
  ].join('\r\n');
}
