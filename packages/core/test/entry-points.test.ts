import { describe, expect, it } from 'vitest';

// `@wxpay/core/adapter` took the plumbing out of the merchant entry point; the old names stay
// on `@wxpay/core` (deprecated) and must stay the very same values, or existing code breaks.
const adapter: Readonly<Record<string, unknown>> = await import('../src/adapter.js');
const core: Readonly<Record<string, unknown>> = await import('../src/index.js');

// The error-message plumbing (error-hints.ts), added after the split.
const ADAPTER_ONLY = new Set([
  'errorHint',
  'formatApiErrorMessage',
  'looksLikePath',
  'pathInsteadOfKeyHint',
]);

describe('core entry points', () => {
  it('every runtime export of @wxpay/core/adapter is the same value on @wxpay/core', () => {
    const names = Object.keys(adapter);
    expect(names).toEqual(
      expect.arrayContaining(['createTransport', 'withRetry', 'parseInput', 'errorClassForCode']),
    );
    // Plumbing added after the split never was on `@wxpay/core`, so it has no old name to keep.
    const addedSinceSplit = new Set([
      ...ADAPTER_ONLY,
      'BACKUP_API_ORIGIN',
      'checkPartnerPayer',
      'PRIMARY_API_ORIGIN',
      'isConnectionFailure',
      'parseConfig',
      'paymentCalls',
      'payingAppId',
      'resolveBackupBaseUrl',
      'settleClose',
      'subMerchantClient',
      'withBackupDomain',
    ]);
    for (const name of names.filter((n) => !addedSinceSplit.has(n))) {
      expect(core[name], name).toBe(adapter[name]);
    }
    for (const name of addedSinceSplit) {
      expect(name in adapter, name).toBe(true);
      expect(name in core, name).toBe(false);
    }
  });

  it('the adapter entry carries plumbing only, not the merchant API', () => {
    for (const name of ['createMigrationClient', 'awaitFinalState', 'WxPayError', 'TRADE_STATES']) {
      expect(name in adapter, name).toBe(false);
      expect(name in core, name).toBe(true);
    }
  });
});
