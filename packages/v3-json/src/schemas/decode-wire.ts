import { ResponseValidationError, toValidationIssues } from '@wxpay/core';
import type { z } from 'zod';

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

/** Parses JSON text, mapping a syntax error to {@link ResponseValidationError}. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ResponseValidationError(`${what} is not valid JSON`, { raw: text.slice(0, 512) });
  }
}
