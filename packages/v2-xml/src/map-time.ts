const OFFSET_MS = 8 * 3600_000;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const SPACED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
/** The six captures of {@link COMPACT} and {@link SPACED}, as numbers. */
type DateTimeParts = [
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
];

/**
 * Parses a v2 time (`yyyyMMddHHmmss` or `yyyy-MM-dd HH:mm:ss`) as Beijing time (fixed UTC+8,
 * whatever the host's time zone). Returns `undefined` for text that is not a real instant.
 */
export function parseBeijingTime(text: string): Date | undefined {
  const m = COMPACT.exec(text) ?? SPACED.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as DateTimeParts;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Reject rollovers such as 20141332… that Date.UTC would silently normalise.
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  return new Date(ms - OFFSET_MS);
}

/** Formats an instant as a v2 `yyyyMMddHHmmss` Beijing time. */
export function formatBeijingTime(date: Date): string {
  const t = new Date(date.getTime() + OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(t.getUTCFullYear(), 4) +
    p(t.getUTCMonth() + 1) +
    p(t.getUTCDate()) +
    p(t.getUTCHours()) +
    p(t.getUTCMinutes()) +
    p(t.getUTCSeconds())
  );
}
