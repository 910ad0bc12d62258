/** What a scripted fault does to a matching request. */
export type FaultKind =
  | 'latency'
  | 'status'
  | 'reset'
  | 'truncate'
  | 'bad-signature'
  | 'probe-signature'
  | 'unsigned'
  | 'skewed-timestamp'
  | 'unknown-key'
  | 'rewrite';

/** A scripted fault. It applies to the next `times` requests that match `path` and `protocol`. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** A path prefix (`/pay/orderquery`, `/v3/pay/transactions/out-trade-no/`) or a pattern; default: every API path. */
  readonly path?: string | RegExp;
  /** Restricts the fault to one protocol. */
  readonly protocol?: 'v2' | 'v3';
  /** How many matching requests it applies to (default 1; `Infinity` until cleared). */
  readonly times?: number;
  /** `latency`: delay before the request is handled (default 1000 ms). */
  readonly latencyMs?: number;
  /** `status`: the HTTP status to answer (default 500); the request is not processed. */
  readonly status?: number;
  /** `status`: the error code in the body (default by status: SYSTEM_ERROR, FREQUENCY_LIMITED …). */
  readonly code?: string;
  /** `status`: the error message in the body. */
  readonly message?: string;
  /** `status`: a `Retry-After` header in seconds. */
  readonly retryAfterSeconds?: number;
  /** `skewed-timestamp`: shift of the v3 `Wechatpay-Timestamp` in seconds (default −600). */
  readonly skewSeconds?: number;
  /**
   * `rewrite`: changes the answer before it is signed (v2 fields or v3 JSON), so the signature
   * stays valid — e.g. an unknown `trade_state` or a missing field.
   */
  readonly rewrite?: (answer: Record<string, unknown>) => Record<string, unknown>;
}

/** A fault that matched a request. */
export interface AppliedFault extends FaultSpec {
  /** 1-based index of the application of this spec. */
  readonly occurrence: number;
}

interface Slot {
  readonly spec: FaultSpec;
  remaining: number;
  used: number;
}

/** The simulator's fault script: first matching fault wins, each used up after `times` requests. */
export class FaultQueue {
  #slots: Slot[] = [];

  /** Adds a fault to the end of the script. */
  push(spec: FaultSpec): void {
    this.#slots.push({ spec, remaining: spec.times ?? 1, used: 0 });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#slots = [];
  }

  /** Faults not used up yet. */
  get pending(): readonly FaultSpec[] {
    return this.#slots.map((s) => s.spec);
  }

  /** Takes the first fault matching a request, if any. */
  take(protocol: 'v2' | 'v3', path: string): AppliedFault | undefined {
    const slot = this.#slots.find((s) => matches(s.spec, protocol, path));
    if (!slot) return undefined;
    slot.remaining -= 1;
    slot.used += 1;
    if (slot.remaining <= 0) this.#slots = this.#slots.filter((s) => s !== slot);
    return { ...slot.spec, occurrence: slot.used };
  }
}

function matches(spec: FaultSpec, protocol: 'v2' | 'v3', path: string): boolean {
  if (spec.protocol && spec.protocol !== protocol) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? path.startsWith(spec.path) : spec.path.test(path);
}
