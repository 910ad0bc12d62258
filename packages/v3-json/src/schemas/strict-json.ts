/**
 * JSON as a signature or a GCM tag authenticated it, read without ambiguity.
 *
 * `JSON.parse` lets the last of two equal keys win, other parsers keep the first. A signed body
 * with `"trade_state"` twice would then mean one thing to whoever checked it and another to us,
 * so authenticated JSON with a duplicate key is refused instead of resolved. Invalid UTF-8 is
 * refused too: replacing bytes with U+FFFD would turn a signed message into one nobody signed.
 */

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why {@link readStrictJson} refused its input. */
export type StrictJsonProblem = 'utf8' | 'too-deep' | 'syntax' | 'duplicate-key';

/** The outcome of {@link readStrictJson}. */
export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: StrictJsonProblem; readonly detail: string };

/** Decodes UTF-8 strictly; `undefined` for invalid bytes. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Deepest nesting accepted; WeChat Pay messages nest four levels at most. */
export const MAX_JSON_DEPTH = 64;

/**
 * The index of the quote closing the string that opens at `open` (or the text's length when it
 * is unterminated). Uses native `indexOf` to skip the string's content: notification bodies
 * carry long base64 ciphertexts, and a per-character loop over them dominated the scan. A
 * quote preceded by an odd number of backslashes is escaped and skipped.
 */
function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return text.length;
    let backslashes = 0;
    for (let k = q - 1; k > open && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    from = q + 1;
  }
}

/** What {@link scanJson} found. */
export interface JsonScan {
  /** The first key seen twice in one object (compared after unescaping). */
  readonly duplicateKey: string | undefined;
  /** True when containers nest deeper than {@link MAX_JSON_DEPTH}. */
  readonly tooDeep: boolean;
}

/**
 * One linear, iterative pass over JSON text (so deep input cannot exhaust the stack): the first
 * key repeated in the same object and whether nesting exceeds {@link MAX_JSON_DEPTH}. Meant to
 * run before `JSON.parse` for the depth and after it for keys (on invalid text keys mean
 * nothing).
 */
export function scanJson(text: string): JsonScan {
  // One entry per open container: the keys seen so far (objects) or null (arrays).
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let duplicateKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i = closingQuote(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top && duplicateKey === undefined) {
        // A key without a backslash is its own text; only escaped keys need unescaping.
        let key = text.slice(start + 1, i);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(start, i + 1)) as string;
          } catch {
            // Invalid text: JSON.parse below refuses it anyway.
          }
        }
        if (top.has(key)) duplicateKey = key;
        else top.add(key);
      }
      expectKey = false;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) return { duplicateKey, tooDeep: true };
      stack.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return { duplicateKey, tooDeep: false };
}

/**
 * The number of keys in JSON text, repeats included (a string followed by `:` is a key), or
 * -1 when containers nest deeper than {@link MAX_JSON_DEPTH}. Counting allocates nothing,
 * unlike collecting keys per object.
 */
function countKeys(text: string): number {
  let keys = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = closingQuote(text, i);
      let j = i + 1;
      let n = text.charCodeAt(j);
      while (n === 0x20 || n === 0x0a || n === 0x0d || n === 0x09) n = text.charCodeAt(++j);
      if (n === 0x3a /* : */) keys++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > MAX_JSON_DEPTH) return -1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return keys;
}

/** The own keys of every object in a parsed value (nesting already bounded by the text). */
function countParsedKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) keys += countParsedKeys(value[i]);
    return keys;
  }
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  keys = names.length;
  for (let i = 0; i < names.length; i++) keys += countParsedKeys(record[names[i] as string]);
  return keys;
}

/**
 * Decodes (strict UTF-8) and parses JSON, refusing duplicate keys. `JSON.parse` keeps one
 * property per distinct key, so when the keys it kept are as many as the keys the text holds,
 * no object repeated one; only otherwise does the exact per-object scan run (which also names
 * the key).
 */
export function readStrictJson(input: string | Uint8Array): StrictJsonResult {
  const text = typeof input === 'string' ? input : decodeUtf8Strict(input);
  if (text === undefined) return { ok: false, problem: 'utf8', detail: 'is not valid UTF-8' };
  const keys = countKeys(text);
  if (keys < 0) {
    return { ok: false, problem: 'too-deep', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, problem: 'syntax', detail: 'is not valid JSON' };
  }
  if (countParsedKeys(value) === keys) return { ok: true, value };
  const duplicateKey = scanJson(text).duplicateKey;
  if (duplicateKey !== undefined) {
    return {
      ok: false,
      problem: 'duplicate-key',
      detail: `has the key ${JSON.stringify(duplicateKey.slice(0, 64))} twice in one object`,
    };
  }
  return { ok: true, value };
}
