import { createHash } from 'node:crypto';

/** Which notifications the simulated WeChat Pay loses (never attempts to deliver). */
export interface DropSpec {
  /** Lose every notification. */
  readonly all?: boolean;
  /**
   * Lose this share (0–1) of orders' notifications. The choice is a hash of the order number,
   * so the same orders are chosen on every run and every redelivery of one order is lost too.
   */
  readonly share?: number;
  /** Lose the notifications of these orders. */
  readonly orders?: readonly string[];
  /** Which notifications the rule applies to (default both). */
  readonly types?: readonly ('payment' | 'refund')[];
}

/** A notification that was dropped. */
export interface DroppedNotification {
  readonly type: 'payment' | 'refund';
  readonly outTradeNo: string;
  readonly outRefundNo?: string;
}

const MAX_RECORDED = 10_000;

/**
 * The simulator's notification loss, so tests and demos can show what a merchant must do when
 * a notification never arrives (query the order; reconcile the bill).
 */
export class NotificationDrops {
  #all = false;
  #share = 0;
  #orders = new Set<string>();
  #types: ReadonlySet<string> = new Set(['payment', 'refund']);
  readonly #dropped: DroppedNotification[] = [];

  /** Replaces the drop rule (an empty spec drops nothing). */
  set(spec: DropSpec): void {
    const share = spec.share ?? 0;
    if (!(share >= 0 && share <= 1)) throw new Error('simulator: drop share must be within 0..1');
    this.#all = spec.all === true;
    this.#share = share;
    this.#orders = new Set(spec.orders ?? []);
    this.#types = new Set(spec.types ?? ['payment', 'refund']);
  }

  /** Adds orders whose notifications are lost. */
  add(...outTradeNos: string[]): void {
    for (const no of outTradeNos) this.#orders.add(no);
  }

  /** Stops dropping. */
  clear(): void {
    this.set({});
  }

  /** Notifications dropped so far (the most recent 10,000), oldest first. */
  get dropped(): readonly DroppedNotification[] {
    return this.#dropped;
  }

  /** Decides for one notification, and records it when dropped. */
  shouldDrop(n: DroppedNotification): boolean {
    if (!this.#types.has(n.type)) return false;
    const drop =
      this.#all || this.#orders.has(n.outTradeNo) || (this.#share > 0 && inShare(n, this.#share));
    if (drop) {
      if (this.#dropped.length >= MAX_RECORDED) this.#dropped.shift();
      this.#dropped.push({
        type: n.type,
        outTradeNo: n.outTradeNo,
        ...(n.outRefundNo ? { outRefundNo: n.outRefundNo } : {}),
      });
    }
    return drop;
  }
}

function inShare(n: DroppedNotification, share: number): boolean {
  const digest = createHash('sha256').update(n.outTradeNo).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < share;
}
