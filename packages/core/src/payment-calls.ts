import type { z } from 'zod';
import { OrderClosedError } from './errors.js';
// One namespace for the neutral input schemas every call is checked against.
import * as schemas from './schemas.js';
import { settleClose } from './settle-close.js';
import type {
  CallOptions,
  CreateOrderParams,
  Order,
  OrderRef,
  PaymentClient,
  Prepay,
  Refund,
  RefundParams,
} from './types.js';

/** The five {@link PaymentClient} calls that talk to WeChat Pay about one order or refund. */
export type PaymentCalls = Pick<
  PaymentClient,
  'createOrder' | 'queryOrder' | 'closeOrder' | 'refund' | 'queryRefund'
>;

/**
 * What one protocol does for each {@link PaymentCalls} call. Each step gets input that has
 * already passed the neutral schemas, so it only maps, sends and decodes.
 */
export interface PaymentSteps {
  createOrder(params: CreateOrderParams, options?: CallOptions): Promise<Prepay>;
  queryOrder(ref: OrderRef, options?: CallOptions): Promise<Order>;
  /** Sends the close request once; {@link paymentCalls} settles what the answer leaves unclear. */
  closeOrder(outTradeNo: string, options?: CallOptions): Promise<void>;
  /** Whether a successful close answer still needs a query (see `SettleCloseSteps.confirmSuccess`). */
  readonly confirmClose: boolean;
  refund(params: RefundParams, options?: CallOptions): Promise<Refund>;
  queryRefund(outRefundNo: string, options?: CallOptions): Promise<Refund>;
}

/** A call that checks its input against `schema` (named `what` in errors) before `step` sees it. */
function checked<T, R>(
  schema: z.ZodType<T>,
  what: string,
  step: (input: T, options?: CallOptions) => Promise<R>,
): (input: unknown, options?: CallOptions) => Promise<R> {
  return async (input, options) => step(schemas.parseInput(schema, input, what), options);
}

/**
 * The calls every adapter's client shares, built from its protocol steps: each input is
 * validated first (a `ValidationError` names the field, and nothing is sent), and `closeOrder`
 * keeps the contract that closing a closed order succeeds and an unclear outcome is settled by a
 * query (`settleClose`). Steps are called as plain functions, without `this`.
 */
export function paymentCalls(steps: PaymentSteps): PaymentCalls {
  const calls: PaymentCalls = {
    createOrder: checked(schemas.createOrderParamsSchema, 'createOrder params', steps.createOrder),
    queryOrder: checked(schemas.orderRefSchema, 'order reference', steps.queryOrder),
    closeOrder: checked(schemas.outTradeNoSchema, 'outTradeNo', (no, options) =>
      settleClose({
        close: async () => {
          try {
            await steps.closeOrder(no, options);
          } catch (error) {
            // Closing a closed order is the outcome the caller wanted (PaymentClient contract).
            if (OrderClosedError.isInstance(error)) return;
            throw error;
          }
        },
        query: () => calls.queryOrder({ outTradeNo: no }, options),
        confirmSuccess: steps.confirmClose,
      }),
    ),
    refund: checked(schemas.refundParamsSchema, 'refund params', steps.refund),
    queryRefund: checked(schemas.outRefundNoSchema, 'outRefundNo', steps.queryRefund),
  };
  return calls;
}
