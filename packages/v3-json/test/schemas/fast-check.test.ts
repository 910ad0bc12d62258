import { compareWithSchema } from '@wxpay/simulator/testing';
import { describe, expect, it } from 'vitest';
import {
  hasNonEmptyString,
  isNotificationEnvelope,
  isWireTransaction,
} from '../../src/schemas/fast-check.js';
import {
  codeUrlResponseSchema,
  notificationEnvelopeSchema,
  prepayIdResponseSchema,
} from '../../src/schemas/misc.js';
import { transactionSchema } from '../../src/schemas/transaction.js';
import { wireTransaction } from '../support/wire-transaction.js';

const TRANSACTION = wireTransaction({
  attach: 'a',
  amount: { total: 100, payer_total: 90, currency: 'CNY', payer_currency: 'CNY' },
  scene_info: { device_id: '013467007045764' },
  promotion_detail: [
    {
      coupon_id: '109519',
      name: 'x',
      scope: 'GLOBAL',
      type: 'CASH',
      amount: 10,
      stock_id: '931386',
      wechatpay_contribute: 0,
      merchant_contribute: 10,
      other_contribute: 0,
      currency: 'CNY',
      goods_detail: [{ goods_id: 'M1' }],
    },
  ],
  unknown_new_field: { anything: [1, null] },
});

const ENVELOPE = {
  id: 'EV-2018022511223320873',
  create_time: '2015-05-20T13:29:35+08:00',
  resource_type: 'encrypt-resource',
  event_type: 'TRANSACTION.SUCCESS',
  summary: '支付成功',
  resource: {
    original_type: 'transaction',
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: 'abc',
    associated_data: 'transaction',
    nonce: 'fdasflkja484',
  },
};

/** Values that replace one field: each of a different JSON type (and NaN / fractions). */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  'text',
  0,
  -1,
  1.5,
  Number.NaN,
  2 ** 53 + 2,
  1e21,
  Number.MAX_SAFE_INTEGER,
  true,
  [],
  [{}],
  {},
  { coupon_id: 'c', amount: 1 },
];

/** Every object path in `value`, so each field (nested ones too) gets every replacement. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) {
    out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  }
  return out;
}

function replaced(base: unknown, path: (string | number)[], v: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (v === undefined) delete at[last];
  else at[last] = v;
  return copy;
}

describe('fast acceptance checks agree with the zod schemas', () => {
  it('never accepts a transaction zod refuses, and accepts the usual answers', () => {
    const corpus: unknown[] = [TRANSACTION, { out_trade_no: 'x', trade_state: 'NOTPAY' }];
    for (const p of paths(TRANSACTION)) {
      for (const v of REPLACEMENTS) corpus.push(replaced(TRANSACTION, p, v));
    }
    corpus.push(null, [], 'x', 1, [TRANSACTION]);
    const judged = compareWithSchema(corpus, isWireTransaction, transactionSchema);
    expect(judged.acceptedButInvalid).toEqual([]);
    expect(isWireTransaction(TRANSACTION)).toBe(true);
    // The corpus exercises both sides: many accepted fast, many refused by zod.
    expect(judged.accepted).toBeGreaterThan(50);
    expect(judged.refusedByBoth).toBeGreaterThan(100);
  });

  it('refuses null, fractions and strings where zod does', () => {
    expect(isWireTransaction({ ...TRANSACTION, transaction_id: null })).toBe(false);
    expect(isWireTransaction({ ...TRANSACTION, amount: { total: 1.5 } })).toBe(false);
    expect(isWireTransaction({ ...TRANSACTION, amount: { total: '100' } })).toBe(false);
    expect(isWireTransaction({ ...TRANSACTION, trade_state: undefined })).toBe(false);
  });

  it('prepay answers: accepted fast only when zod accepts them', () => {
    const values: unknown[] = [
      { prepay_id: 'wx1', code_url: 'weixin://x' },
      { prepay_id: '' },
      { code_url: '' },
      { prepay_id: 1 },
      { code_url: null },
      null,
      [],
      'x',
    ];
    for (const v of values) {
      if (hasNonEmptyString(v, 'prepay_id')) {
        expect(prepayIdResponseSchema.safeParse(v).success).toBe(true);
      }
      if (hasNonEmptyString(v, 'code_url')) {
        expect(codeUrlResponseSchema.safeParse(v).success).toBe(true);
      }
    }
    expect(hasNonEmptyString(values[0], 'prepay_id')).toBe(true);
    expect(hasNonEmptyString(values[1], 'prepay_id')).toBe(false);
  });

  it('notification envelopes: accepted fast only when zod accepts them', () => {
    const corpus: unknown[] = [ENVELOPE];
    for (const p of paths(ENVELOPE)) {
      for (const v of REPLACEMENTS) corpus.push(replaced(ENVELOPE, p, v));
    }
    const judged = compareWithSchema(corpus, isNotificationEnvelope, notificationEnvelopeSchema);
    expect(judged.acceptedButInvalid).toEqual([]);
    expect(isNotificationEnvelope(ENVELOPE)).toBe(true);
    expect(judged.accepted).toBeGreaterThan(10);
    expect(judged.refusedByBoth).toBeGreaterThan(50);
  });
});
