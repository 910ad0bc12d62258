const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a `notify_url` would be refused by live WeChat Pay, or undefined when it is acceptable:
 * it must be https with no query string (docs/protocol/v3.md, order request). Plain http is
 * let through for loopback hosts only, which can only be a local receiver under test.
 */
export function notifyUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (parsed.search !== '' || url.includes('?')) return 'must not have a query string';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return undefined;
  return 'must be an https URL (WeChat Pay refuses http notify URLs)';
}
