// WeChat Pay writes every wall-clock time in Beijing time (UTC+8, no DST), whatever the host TZ.
const BEIJING_OFFSET_MS = 8 * 3600_000;

function parts(ms: number): string[] {
  const d = new Date(Math.floor(ms / 1000) * 1000 + BEIJING_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return [
    p(d.getUTCFullYear(), 4),
    p(d.getUTCMonth() + 1),
    p(d.getUTCDate()),
    p(d.getUTCHours()),
    p(d.getUTCMinutes()),
    p(d.getUTCSeconds()),
  ];
}

/** `yyyyMMddHHmmss` in Beijing time (v2 `time_end`, `time_expire`). */
export function formatCompact(ms: number): string {
  return parts(ms).join('');
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (v2 refund times). */
export function formatDashed(ms: number): string {
  const [y, mo, d, h, mi, s] = parts(ms);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** RFC 3339 with the `+08:00` offset, as v3 writes times. */
export function formatRfc3339(ms: number): string {
  const [y, mo, d, h, mi, s] = parts(ms);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

/** `yyyyMMdd` (v2) and `yyyy-MM-dd` (v3) bill dates in Beijing time. */
export function billDate(ms: number): { compact: string; dashed: string } {
  const [y, mo, d] = parts(ms);
  return { compact: `${y}${mo}${d}`, dashed: `${y}-${mo}-${d}` };
}

/** Parses v2 `yyyyMMddHHmmss` (Beijing time); undefined when malformed. */
export function parseCompact(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
}

/** Parses an RFC 3339 time; undefined when malformed. */
export function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
