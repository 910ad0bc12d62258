import type { IncomingCall, RawReply, V3Reply } from '../context.js';

/** A v3 error answer: HTTP status plus `{code, message, detail}`. */
export class ApiFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly detail?: Record<string, unknown>,
  ) {}
}

/** A `400 PARAM_ERROR` naming the field at fault. */
export const paramError = (field: string, issue: string) =>
  new ApiFailure(400, 'PARAM_ERROR', `参数错误: ${issue}`, {
    field,
    location: 'body',
    issue,
  });

/** What an endpoint returns: a v3 answer to sign, or raw bytes. */
export type Out = Omit<V3Reply, 'kind'> | RawReply;

/** One request header (first value). */
export function header(call: IncomingCall, name: string): string | undefined {
  const v = call.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The request body as a JSON object, or a PARAM_ERROR. */
export function parseBody(call: IncomingCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new ApiFailure(400, 'PARAM_ERROR', '请求体不是合法的JSON对象');
}

/** A string field, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** An object field, else undefined. */
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
