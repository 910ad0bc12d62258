import { compareOrders, type OrderDivergence } from './compare-orders.js';
import { OrderNotFoundError, RefundNotFoundError, ValidationError } from './errors.js';
import { detectNotificationProtocol } from './notify/detect-notification-protocol.js';
import type {
  CallOptions,
  NotificationRequest,
  Order,
  OrderRef,
  PaymentClient,
  PaymentNotification,
  Refund,
} from './types.js';

/**
 * How a {@link createMigrationClient} routes calls:
 * - `v2` / `v3`: everything through one protocol.
 * - `v3-with-v2-fallback`: create through v3; reads and close try v3 first and fall back to v2
 *   when v3 does not know the order (orders created before the switch).
 * - `shadow`: serve every call from `primary`; reads are repeated on the other protocol and
 *   the two neutral results compared, each divergence reported to `onDivergence`. The shadow
 *   call never fails or delays the caller's result beyond its own completion.
 */
export type MigrationMode = 'v2' | 'v3' | 'v3-with-v2-fallback' | 'shadow';

/** A divergence report from shadow mode. */
export interface DivergenceReport {
  readonly operation: 'queryOrder' | 'queryRefund';
  readonly ref: OrderRef | { readonly outRefundNo: string };
  readonly primary: 'v2' | 'v3';
  /** Field-level differences; empty when the shadow call itself failed (see `shadowError`). */
  readonly divergences: readonly OrderDivergence[];
  /** The error the shadow protocol raised, when the primary succeeded and the shadow did not. */
  readonly shadowError?: unknown;
}

/** Options of {@link createMigrationClient}. */
export interface MigrationClientOptions<
  V2 extends PaymentClient = PaymentClient,
  V3 extends PaymentClient = PaymentClient,
> {
  readonly v2: V2;
  readonly v3: V3;
  readonly mode: MigrationMode;
  /** Shadow mode: the protocol that serves results (default `v2`, the one being migrated from). */
  readonly primary?: 'v2' | 'v3';
  /** Shadow mode: receives every comparison that found a difference or a shadow failure. */
  readonly onDivergence?: (report: DivergenceReport) => void;
  /**
   * The protocol bills are downloaded through ({@link MigrationClient.billClient}). Bills cover
   * a day, not an order, and while both protocols are in use each one's bill lists all of the
   * merchant's transactions, whichever protocol created them: one source is enough. Default:
   * the protocol that serves the other calls (`protocol`), so reconciliation changes source
   * only when the merchant moves on (docs/migration-v2-to-v3.md).
   */
  readonly bills?: 'v2' | 'v3';
}

/** A {@link PaymentClient} that routes between a v2 and a v3 client during a migration. */
export interface MigrationClient<
  V2 extends PaymentClient = PaymentClient,
  V3 extends PaymentClient = PaymentClient,
> extends PaymentClient {
  readonly mode: MigrationMode;
  /** The protocol bills are downloaded through (option `bills`). */
  readonly bills: 'v2' | 'v3';
  /**
   * The client that downloads bills: the `v2` or the `v3` client, per `bills`. Its
   * `protocol` tells which bill calls it has (v2 `downloadBill`/`streamBill`, v3
   * `downloadTradeBill`/`downloadFundFlowBill`).
   */
  readonly billClient: V2 | V3;
  /** Notifications of both protocols are verified, whatever the mode (see `parseNotification`). */
  readonly notificationProtocols: readonly ['v2', 'v3'];
  /** Resolves when every shadow comparison started so far has been reported. */
  settled(): Promise<void>;
}

function isNotFound(error: unknown): boolean {
  return OrderNotFoundError.isInstance(error) || RefundNotFoundError.isInstance(error);
}

function refundDivergences(a: Refund, b: Refund): OrderDivergence[] {
  const pairs: [string, unknown, unknown][] = [
    ['outRefundNo', a.outRefundNo, b.outRefundNo],
    ['refundId', a.refundId, b.refundId],
    ['status', a.status, b.status],
    ['amount.refund', a.amount.refund, b.amount.refund],
    ['amount.total', a.amount.total, b.amount.total],
  ];
  return pairs
    .filter(([, x, y]) => x !== undefined && y !== undefined && x !== y)
    .map(([field, primary, secondary]) => ({ field, primary, secondary }));
}

/**
 * Puts a v2 and a v3 client behind one {@link PaymentClient}, so a merchant moves from v2 to
 * v3 order by order without touching business code. Needs nothing but the interface.
 */
export function createMigrationClient<V2 extends PaymentClient, V3 extends PaymentClient>(
  options: MigrationClientOptions<V2, V3>,
): MigrationClient<V2, V3> {
  const { v2, v3, mode } = options;
  if (v2.protocol !== 'v2' || v3.protocol !== 'v3') {
    throw new ValidationError(
      'createMigrationClient needs a v2 client as `v2` and a v3 client as `v3`',
      [{ path: v2.protocol !== 'v2' ? 'v2' : 'v3', message: 'wrong protocol' }],
    );
  }
  const primaryName = mode === 'shadow' ? (options.primary ?? 'v2') : mode === 'v2' ? 'v2' : 'v3';
  const primary = primaryName === 'v2' ? v2 : v3;
  const bills = options.bills ?? primaryName;
  if (bills !== 'v2' && bills !== 'v3') {
    throw new ValidationError("createMigrationClient: `bills` must be 'v2' or 'v3'", [
      { path: 'bills', message: "expected 'v2' or 'v3'" },
    ]);
  }
  const secondary = primaryName === 'v2' ? v3 : v2;
  const pending = new Set<Promise<void>>();

  function shadow<T>(
    operation: DivergenceReport['operation'],
    ref: DivergenceReport['ref'],
    result: T,
    run: () => Promise<T>,
    diff: (a: T, b: T) => OrderDivergence[],
  ): void {
    const task = run().then(
      (other) => {
        const divergences = diff(result, other);
        if (divergences.length > 0)
          options.onDivergence?.({ operation, ref, primary: primaryName, divergences });
      },
      (shadowError: unknown) => {
        options.onDivergence?.({
          operation,
          ref,
          primary: primaryName,
          divergences: [],
          shadowError,
        });
      },
    );
    // A throwing onDivergence must not surface as an unhandled rejection in the caller's process.
    const guarded = task.catch(() => {});
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
  }

  async function withFallback<T>(call: (client: PaymentClient) => Promise<T>): Promise<T> {
    try {
      return await call(v3);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return call(v2);
    }
  }

  return {
    protocol: primaryName,
    mode,
    notificationProtocols: ['v2', 'v3'],
    bills,
    billClient: bills === 'v2' ? v2 : v3,
    createOrder: (params, callOptions?: CallOptions) => primary.createOrder(params, callOptions),
    async queryOrder(ref: OrderRef, callOptions?: CallOptions): Promise<Order> {
      if (mode === 'v3-with-v2-fallback')
        return withFallback((c) => c.queryOrder(ref, callOptions));
      const order = await primary.queryOrder(ref, callOptions);
      if (mode === 'shadow')
        shadow(
          'queryOrder',
          ref,
          order,
          () => secondary.queryOrder(ref, callOptions),
          compareOrders,
        );
      return order;
    },
    async closeOrder(outTradeNo: string, callOptions?: CallOptions): Promise<void> {
      if (mode === 'v3-with-v2-fallback')
        return withFallback((c) => c.closeOrder(outTradeNo, callOptions));
      return primary.closeOrder(outTradeNo, callOptions);
    },
    refund: (params, callOptions?: CallOptions) => primary.refund(params, callOptions),
    async queryRefund(outRefundNo: string, callOptions?: CallOptions): Promise<Refund> {
      if (mode === 'v3-with-v2-fallback')
        return withFallback((c) => c.queryRefund(outRefundNo, callOptions));
      const refund = await primary.queryRefund(outRefundNo, callOptions);
      if (mode === 'shadow') {
        shadow(
          'queryRefund',
          { outRefundNo },
          refund,
          () => secondary.queryRefund(outRefundNo, callOptions),
          refundDivergences,
        );
      }
      return refund;
    },
    // Notifications arrive in the protocol the order was created with, whatever the mode.
    parseNotification(request: NotificationRequest): Promise<PaymentNotification> {
      const protocol = detectNotificationProtocol(request.headers, request.body);
      return (protocol === 'v2' ? v2 : v3).parseNotification(request);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
