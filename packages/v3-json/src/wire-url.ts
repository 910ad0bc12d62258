/** Where a request goes and the path+query its signature covers. */
export interface WireUrl {
  /** The absolute URL as sent. */
  readonly href: string;
  /** Path and query exactly as on the wire (what the `Authorization` signature covers). */
  readonly wirePath: string;
}

/** Characters the WHATWG URL parser keeps exactly as written in a path or query. */
const VERBATIM = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
/** A dot segment (`/.`, `/..`, also percent-encoded): the parser would resolve it. */
const DOT_SEGMENT = /\/(?:\.|%2e)/i;
const CANARY = '/v3/canary/x_1?mchid=1&a=b';

/**
 * Joins the client's base URL and a request path the way `new URL(base + path)` does, without
 * parsing on every request when nothing can change: the base must come back from the parser
 * verbatim (checked once, here), and the path must hold only characters the parser keeps and
 * no dot segment. Any other path (spaces, quotes, non-ASCII, `#`, `\`, `..`) is parsed, so the
 * signed path is always the one sent.
 */
export function createWireUrl(baseUrl: string): (path: string) => WireUrl {
  const parse = (path: string): WireUrl => {
    const url = new URL(`${baseUrl}${path}`);
    return { href: url.href, wirePath: `${url.pathname}${url.search}` };
  };
  const canary = parse(CANARY);
  const origin = new URL(baseUrl).origin;
  const verbatimBase =
    canary.href === `${baseUrl}${CANARY}` &&
    baseUrl.startsWith(origin) &&
    canary.wirePath === canary.href.slice(origin.length);
  if (!verbatimBase) return parse;
  const prefix = baseUrl.slice(origin.length);
  return (path) =>
    VERBATIM.test(path) && !DOT_SEGMENT.test(path)
      ? { href: `${baseUrl}${path}`, wirePath: `${prefix}${path}` }
      : parse(path);
}
