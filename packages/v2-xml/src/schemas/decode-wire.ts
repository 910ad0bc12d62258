import { ResponseValidationError } from '@wxpay/core';
import { toValidationIssues } from '@wxpay/core/adapter';
import type { z } from 'zod';

/** Validates a decoded wire object, raising {@link ResponseValidationError} with `raw` kept. */
export function decodeWire<T>(
  schema: z.ZodType<T>,
  raw: Readonly<Record<string, string>>,
  what: string,
): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ResponseValidationError(`unexpected ${what}: ${summary}`, { issues, raw });
}
