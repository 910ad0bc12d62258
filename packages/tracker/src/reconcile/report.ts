/** Options of `tracker.reconcile`. */
export interface ReconcileOptions {
  /** The bill's Beijing day, `YYYY-MM-DD` (reconcile day T on day T+1). */
  readonly billDate: string;
  /** Called every `progressEvery` rows and once at the end. */
  readonly onProgress?: (progress: ReconcileProgress) => void;
  /** Rows between progress calls (default 10,000). */
  readonly progressEvery?: number;
  /** Largest number of untracked rows listed in the report (default 100; all are counted). */
  readonly untrackedSample?: number;
  /** Aborts the download. */
  readonly signal?: AbortSignal;
}

/** Progress of a reconciliation. */
export interface ReconcileProgress {
  /** Detail rows read so far. */
  readonly rows: number;
  /** Size of the bill read so far: bytes for v3; for v2 (read line by line) the characters. */
  readonly bytes: number;
  /** True on the last call, when the whole bill was read. */
  readonly done: boolean;
}

/** A payment row of the bill. */
export interface BillPayment {
  readonly outTradeNo: string;
  readonly transactionId: string;
  /** Order amount in fen. */
  readonly total: number;
  readonly time: string;
}

/** A refund row of the bill. */
export interface BillRefund {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  /** Refunded amount in fen. */
  readonly refund: number;
  readonly status: string;
}

/** A paid order that the tracker has not fulfilled (its `onPaid` is now due). */
export interface PaidNotFulfilled extends BillPayment {
  /** The state the tracker had recorded. */
  readonly trackedState: string;
  /** True when the tracker was told to act on it (it runs `onPaid` once it queries). */
  readonly rescheduled: boolean;
}

/** A bill row whose amount differs from what the merchant expected. */
export interface AmountMismatch extends BillPayment {
  readonly expectedTotal: number;
}

/** The typed result of a reconciliation. Lists hold discrepancies only. */
export interface ReconcileReport {
  readonly billDate: string;
  /** Detail rows read (payments + refunds). */
  readonly rows: number;
  /** Payment rows matching a fulfilled tracked order with the expected amount. */
  readonly matched: number;
  /** Paid at WeChat Pay but not fulfilled by the tracker (单边账): `onPaid` is now due. */
  readonly paidNotFulfilled: readonly PaidNotFulfilled[];
  /** Fulfilled by the tracker as paid on that day, but absent from the bill (or not paid there). */
  readonly fulfilledNotInBill: readonly string[];
  /** Amount in the bill differs from the tracked order's expected amount. */
  readonly amountMismatches: readonly AmountMismatch[];
  /** Refunds in the bill that the tracker does not have as succeeded. */
  readonly refundsMissingInTracker: readonly BillRefund[];
  /** Refunds the tracker has as succeeded on that day, absent from the bill. */
  readonly refundsMissingInBill: readonly string[];
  /** Rows about orders this tracker does not follow: counted, and the first few listed. */
  readonly untracked: { readonly count: number; readonly sample: readonly string[] };
  /** True when no discrepancy was found (untracked rows are not discrepancies). */
  readonly clean: boolean;
}
