import { ResponseValidationError } from '@wxpay/core';
import { toValidationIssues } from '@wxpay/core/adapter';
import type { z } from 'zod';
import { readStrictJson } from './strict-json.js';

/**
 * Decodes a wire object with `schema`; a mismatch is a {@link ResponseValidationError} that
 * keeps the raw value so nothing the server said is lost.
 */
export function decodeWire<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ResponseValidationError(`unexpected ${what} from WeChat Pay: ${summary}`, {
    issues,
    raw: value,
  });
}

/**
 * Parses a verified JSON body (bytes are decoded as strict UTF-8). Invalid UTF-8, a syntax
 * error or a key repeated in one object (see `strict-json.ts`) is a
 * {@link ResponseValidationError}.
 */
export function parseJson(body: string | Uint8Array, what: string): unknown {
  const result = readStrictJson(body);
  if (result.ok) return result.value;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  throw new ResponseValidationError(`${what} ${result.detail}`, { raw: text.slice(0, 512) });
}
