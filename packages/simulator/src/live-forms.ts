import { randomInt } from 'node:crypto';

/**
 * Which of two observed answers the simulator gives where live WeChat Pay differs from its doc
 * tables (docs/protocol/live-behaviour.md): the `documented` form, the `live` form, or `random`
 * (a fresh pick per answer or notification, so a client meets both in one run).
 */
export type FormChoice = 'documented' | 'live' | 'random';

/** Options of the simulator's live-behaviour forms (see {@link LiveForms}). */
export interface LiveFormOptions {
  /**
   * A re-used `out_trade_no` with different parameters: `documented` answers
   * `OUT_TRADE_NO_USED`; `live` answers `INVALID_REQUEST` "201 商户订单号重复" (both protocols).
   * Default `documented`.
   */
  readonly duplicateOrder?: FormChoice;
  /**
   * v2 payment notifications: `documented` carries `sign_type` and is signed with the order's
   * type; `live` carries no `sign_type` and is MD5-signed whatever the order's type (the share
   * reported for HMAC-SHA256 merchants). Default `documented`.
   */
  readonly v2NotifySign?: FormChoice;
  /**
   * Trust mode `migrating`: the share (0–1) of v3 callbacks signed with the WeChat Pay public
   * key; the rest are signed with the current platform certificate. Default 0.5.
   */
  readonly publicKeyShare?: number;
  /**
   * v2 `closeorder` earlier than this after creation is refused (the doc's 5-minute rule;
   * `300_000` models it). Default 0: the doc names no answer for it, so it is opt-in.
   */
  readonly v2CloseMinAgeMs?: number;
  /** Random source in [0, 1) for `random` forms and the public-key share (default crypto). */
  readonly random?: () => number;
}

const cryptoRandom = (): number => randomInt(0, 2 ** 32) / 2 ** 32;

/**
 * The live-behaviour switches of a running simulator. Every field can be changed between
 * calls (e.g. raise `publicKeyShare` as a migration progresses).
 */
export class LiveForms {
  duplicateOrder: FormChoice;
  v2NotifySign: FormChoice;
  publicKeyShare: number;
  v2CloseMinAgeMs: number;
  readonly #random: () => number;
  #reverseRecalls = 0;

  constructor(options: LiveFormOptions = {}) {
    this.duplicateOrder = options.duplicateOrder ?? 'documented';
    this.v2NotifySign = options.v2NotifySign ?? 'documented';
    this.publicKeyShare = options.publicKeyShare ?? 0.5;
    this.v2CloseMinAgeMs = options.v2CloseMinAgeMs ?? 0;
    this.#random = options.random ?? cryptoRandom;
  }

  /** Resolves a choice for one answer: `random` flips a fair coin each time. */
  pick(choice: FormChoice): 'documented' | 'live' {
    if (choice !== 'random') return choice;
    return this.#random() < 0.5 ? 'documented' : 'live';
  }

  /** Trust mode `migrating`: whether this callback is signed with the public key. */
  signWithPublicKey(): boolean {
    return this.#random() < this.publicKeyShare;
  }

  /** The next `count` v2 reverse calls answer `recall=Y` without reversing (call again). */
  queueReverseRecall(count = 1): void {
    this.#reverseRecalls += Math.max(0, Math.floor(count));
  }

  /** Consumes one queued `recall=Y`; false when none is queued. */
  takeReverseRecall(): boolean {
    if (this.#reverseRecalls === 0) return false;
    this.#reverseRecalls--;
    return true;
  }
}
