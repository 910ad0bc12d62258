/** What changed in the simulator (the dashboard refetches the part named). */
export type SimulatorChangeKind = 'order' | 'refund' | 'notification' | 'request';

/** One change: its kind and, where there is one, the order it concerns. */
export interface SimulatorChange {
  readonly kind: SimulatorChangeKind;
  readonly outTradeNo?: string;
}

/**
 * A tiny synchronous event feed the order store, notification log and request log report to,
 * so the dashboard can push live updates without polling. A listener that throws is dropped
 * rather than breaking the simulator's own work.
 */
export class ChangeFeed {
  readonly #listeners = new Set<(change: SimulatorChange) => void>();

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (change: SimulatorChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reports a change to every listener. */
  emit(change: SimulatorChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }
}
