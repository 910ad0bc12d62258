/**
 * A source of merchant order numbers, unique within the process and across runs against the
 * same simulator: `prefix`, the clock, then a counter. Tests share one simulator per file, so
 * each test takes fresh numbers rather than reusing one.
 */
export function outTradeNumbers(prefix: string): () => string {
  let seq = 0;
  return () => `${prefix}${Date.now()}${seq++}`;
}
