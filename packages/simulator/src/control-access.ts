import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from './notification-log.js';

/** Why a `/__sim/` request was refused before it reached a route. */
export interface ControlRefusal {
  readonly status: number;
  readonly error: string;
}

/**
 * Who may use the `/__sim/` routes (control surface and dashboard). A simulator on a loopback
 * address (the default) answers only a loopback peer whose `Host` header is a loopback name:
 * the second check stops a web page from reaching it through a DNS name rebound to 127.0.0.1.
 * A simulator deliberately bound to another interface (`host: '0.0.0.0'`) answers everyone.
 */
export function controlAllows(
  boundHost: string,
  peer: string | undefined,
  hostHeader: string | undefined,
): boolean {
  if (!isLoopbackHost(boundHost)) return true;
  const host = hostHeader ?? '';
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return isLoopbackHost((peer ?? '').replace(/^::ffff:/, '')) && isLoopbackHost(hostname ?? '');
}

/**
 * The checks every `/__sim/` request passes before any route sees it. A POST must say
 * `Content-Type: application/json`: a web page can send a cross-origin POST as `text/plain`
 * or a form without asking first, but not as JSON, which needs a CORS preflight the simulator
 * never grants. So a page the developer happens to visit cannot pay, fail or fault orders.
 */
export function controlRefusal(
  boundHost: string,
  method: string,
  peer: string | undefined,
  headers: IncomingHttpHeaders,
): ControlRefusal | undefined {
  if (!controlAllows(boundHost, peer, headers.host)) {
    return {
      status: 403,
      error:
        'the simulator answers /__sim/ requests from loopback clients only, with a loopback Host ' +
        '(localhost, 127.0.0.1 or [::1])',
    };
  }
  if (method === 'POST' && !isJson(headers['content-type'])) {
    return {
      status: 415,
      error: 'POST /__sim/… needs Content-Type: application/json (send the body as JSON)',
    };
  }
  return undefined;
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
