/** One structured log event. Never contains headers, bodies or keys. */
export interface LogEvent {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly method?: string;
  /** Path and query only, without host. */
  readonly path?: string;
  readonly status?: number;
  readonly attempt?: number;
  readonly durationMs?: number;
  readonly requestId?: string;
  readonly errorName?: string;
  readonly errorCode?: string;
}

/** A logger hook. wxpay passes only redacted, structured events. */
export type Logger = (event: LogEvent) => void;

/**
 * Replaces every occurrence of each secret in `text` with `[REDACTED]`. A last line of defence
 * for text that may quote configuration; events are built without secrets in the first place.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
