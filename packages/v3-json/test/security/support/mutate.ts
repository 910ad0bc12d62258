import fc from 'fast-check';

/** Fragments that tend to break parsers: structure, escapes, odd numbers, prototype keys. */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  '\\u0000',
  '\\ud800',
  '1e999',
  '-0',
  '9007199254740993',
  'null',
  'true',
  '"__proto__":{"trade_state":"SUCCESS"},',
  '"constructor":{"prototype":{"x":1}},',
  '"trade_state":"SUCCESS",',
  '"amount":{"total":1},',
  '"refund_status":"SUCCESS",',
  '\u202e',
  '\ufeff',
  '支付',
].map((t) => Buffer.from(t));

/** Splices `insert` into `bytes` at `at`, removing `remove` bytes. */
function splice(bytes: Buffer, at: number, remove: number, insert: Buffer = Buffer.alloc(0)) {
  const pos = Math.min(at, bytes.length);
  return Buffer.concat([bytes.subarray(0, pos), insert, bytes.subarray(pos + remove)]);
}

/** A JSON object with one value replaced or added (structured mutation). */
function structured(base: Record<string, unknown>): fc.Arbitrary<Buffer> {
  const keys = Object.keys(base);
  return fc
    .tuple(
      fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(
          '',
          'SUCCESS',
          'REFUND',
          'NOTPAY',
          null,
          -1,
          2 ** 53,
          1.5,
          [],
          {},
          'not-a-time',
        ),
      ),
      fc.boolean(),
    )
    .map(([key, value, nestIntoAmount]) => {
      const copy: Record<string, unknown> = structuredClone(base);
      if (nestIntoAmount && typeof copy.amount === 'object' && copy.amount !== null) {
        (copy.amount as Record<string, unknown>)[key] = value;
      } else copy[key] = value;
      return Buffer.from(JSON.stringify(copy));
    });
}

/**
 * Bodies derived from a real one: bit flips, deletions, insertions of nasty tokens, duplicated
 * ranges, truncations, structured value swaps, or entirely random JSON / bytes.
 */
export function mutatedBodies(base: Record<string, unknown>): fc.Arbitrary<Buffer> {
  const bytes = Buffer.from(JSON.stringify(base));
  const pos = fc.nat({ max: bytes.length });
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(pos, fc.nat({ max: 7 })).map(([p, bit]) => {
        const copy = Buffer.from(bytes);
        const i = Math.min(p, copy.length - 1);
        copy[i] = copy[i]! ^ (1 << bit);
        return copy;
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pos, fc.integer({ min: 1, max: 24 }))
        .map(([p, n]) => splice(bytes, p, n)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(pos, fc.constantFrom(...TOKENS), fc.nat({ max: 2 }))
        .map(([p, token, remove]) => splice(bytes, p, remove, token)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(pos, pos).map(([a, b]) => {
        const [from, to] = a < b ? [a, b] : [b, a];
        return splice(bytes, to, 0, bytes.subarray(from, to));
      }),
    },
    { weight: 1, arbitrary: pos.map((p) => bytes.subarray(0, p)) },
    { weight: 4, arbitrary: structured(base) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  );
}

/** `count` mutated bodies, reproducible from `seed`. */
export function sampleBodies(base: Record<string, unknown>, count: number, seed: number): Buffer[] {
  return fc.sample(mutatedBodies(base), { numRuns: count, seed });
}

/** Runs `work` over `items` with at most `width` in flight, keeping order of results. */
export async function pool<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}
