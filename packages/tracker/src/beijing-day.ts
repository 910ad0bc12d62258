const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The Beijing calendar day (`YYYY-MM-DD`) of an instant: WeChat Pay bills are per Beijing day. */
export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}
