import type { TradeState } from '@wxpay/core';

const TEXT: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销（付款码支付）',
  USERPAYING: '用户支付中（付款码支付）',
  PAYERROR: '支付失败（其他原因，如银行返回失败）',
  ACCEPT: '已接收，等待扣款',
};

/** WeChat Pay's `trade_state_desc` for a state. */
export function tradeStateDescription(state: TradeState): string {
  return TEXT[state];
}
