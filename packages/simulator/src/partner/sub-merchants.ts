import { randomInt } from 'node:crypto';

/** A sub-merchant (特约商户) bound to the simulated service provider. */
export interface SimulatedSubMerchant {
  readonly subMchId: string;
  /** The sub-merchant's own appid, when it has one bound. */
  readonly subAppId?: string;
}

/** What the simulator knows of a partner order: whom it is for and how the payer was named. */
export interface PartnerOrderInfo {
  readonly subMchId: string;
  readonly subAppId?: string;
  /** True when the payer was named by `sub_openid` (under `subAppId`), not by the provider's openid. */
  readonly payerIsSub: boolean;
}

const newMchId = (): string => `16${String(randomInt(10_000_000, 100_000_000))}`;
const newAppId = (): string =>
  `wx${Array.from({ length: 16 }, () => randomInt(16).toString(16)).join('')}`;

/**
 * The sub-merchants bound to the simulator's merchant acting as a service provider (服务商).
 * The simulator's `merchant.mchId`/`appId` are the provider's; a request naming a sub-merchant
 * not listed here is refused the way WeChat Pay refuses it (docs/protocol/partner.md).
 */
export class SubMerchantRegistry {
  readonly #bound = new Map<string, SimulatedSubMerchant>();

  constructor(initial?: readonly SimulatedSubMerchant[]) {
    // Two by default: a sub-merchant with its own appid and one without.
    for (const sub of initial ?? [
      { subMchId: newMchId(), subAppId: newAppId() },
      { subMchId: newMchId() },
    ]) {
      this.bind(sub);
    }
  }

  /** Binds a sub-merchant to the provider (idempotent; a later call replaces its appid). */
  bind(sub: SimulatedSubMerchant): SimulatedSubMerchant {
    const copy = { subMchId: sub.subMchId, ...(sub.subAppId ? { subAppId: sub.subAppId } : {}) };
    this.#bound.set(sub.subMchId, copy);
    return copy;
  }

  /** The bound sub-merchant with this id, or undefined. */
  get(subMchId: string): SimulatedSubMerchant | undefined {
    return this.#bound.get(subMchId);
  }

  /** All bound sub-merchants, in binding order. */
  list(): SimulatedSubMerchant[] {
    return [...this.#bound.values()];
  }
}
