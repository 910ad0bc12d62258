import { randomNonce } from '@wxpay/core/adapter';
import type { HandlerContext } from '../context.js';
import { newTransactionId } from '../ids.js';
import { paidOrderFields } from '../map-v2.js';
import { newPendingOrder } from '../new-pending-order.js';
import type { SimulatedOrder } from '../order-store.js';
import { duplicateOrder, findOrder, rejectUsed } from './order-endpoints.js';
import type { V2SignType } from './sign.js';
import { BusinessError, checkOrderRequest, type Fields, type V2Request } from './v2-outcomes.js';

const AUTH_CODE = /^1[0-5]\d{16}$/;

/** `/pay/micropay`: a payment-code charge, decided by the queued micropay outcome. */
export function micropay(ctx: HandlerContext, req: V2Request, signType: V2SignType): Fields {
  const outTradeNo = checkOrderRequest(req, 'auth_code');
  if (!AUTH_CODE.test(req.auth_code ?? '')) {
    throw new BusinessError('AUTH_CODE_INVALID', '每个二维码仅限使用一次，请刷新再试');
  }
  const existing = ctx.store.get(ctx.creds.mchId, outTradeNo);
  if (existing) {
    rejectUsed(existing);
    throw duplicateOrder(ctx);
  }
  const now = ctx.now();
  const neutral = {
    tradeType: 'MICROPAY' as const,
    description: req.body ?? '',
    total: Number(req.total_fee),
    currency: req.fee_type || 'CNY',
    attach: req.attach,
  };
  const order = newPendingOrder(
    {
      ...neutral,
      mchId: ctx.creds.mchId,
      appId: ctx.creds.appId,
      outTradeNo,
      clientIp: req.spbill_create_ip,
      deviceInfo: req.device_info,
      expiresAt: now + 24 * 3600_000,
      via: 'v2',
      signType,
    },
    now,
  );
  ctx.store.add(order);
  const outcome = ctx.takeMicropayOutcome();
  switch (outcome) {
    case 'SUCCESS':
      payOrder(ctx, order, {});
      return paidOrderFields(order);
    case 'USERPAYING':
      ctx.store.move(order, 'USERPAYING');
      throw new BusinessError('USERPAYING', '需要用户输入支付密码');
    case 'NOTENOUGH':
      ctx.store.move(order, 'PAYERROR');
      throw new BusinessError('NOTENOUGH', '余额不足');
    default:
      ctx.store.move(order, 'PAYERROR');
      throw new BusinessError('TRADE_ERROR', '交易错误');
  }
}

/** Marks an order paid: transaction id, payer, time (no notification here). */
export function payOrder(
  ctx: HandlerContext,
  order: SimulatedOrder,
  opts: { openid?: string; bankType?: string },
): void {
  ctx.store.move(order, 'SUCCESS');
  ctx.store.assignTransactionId(order, newTransactionId(ctx.now()));
  order.paidAt = ctx.now();
  order.openid = opts.openid ?? order.openid ?? `o${randomNonce(27)}`;
  order.bankType = opts.bankType ?? 'OTHERS';
}

/**
 * `/secapi/pay/reverse`. A queued recall (`live.queueReverseRecall`) answers `recall=Y` and
 * leaves the order as it is: the documented "call reverse again" answer.
 */
export function reverse(ctx: HandlerContext, req: V2Request): Fields {
  const order = findOrder(ctx, req);
  if (order.tradeType !== 'MICROPAY') {
    throw new BusinessError('INVALID_REQUEST', '撤销仅支持付款码支付订单');
  }
  if (order.state === 'REFUND' || order.state === 'CLOSED') {
    throw new BusinessError('TRADE_ERROR', '订单状态不允许撤销');
  }
  if (ctx.live.takeReverseRecall()) return { recall: 'Y' };
  ctx.store.move(order, 'REVOKED');
  return { recall: 'N' };
}
