import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { sleep } from '@wxpay/core';
import type { IncomingCall } from './context.js';
import { controlRefusal } from './control-access.js';
import { handleControl } from './control-surface.js';
import { serveDashboard } from './dashboard/serve-dashboard.js';
import type { HandlerState } from './handler-state.js';
import { renderReply, writeStatusFault } from './render-reply.js';
import type { Simulator } from './simulator-types.js';
import { handleV2, V2_PATHS } from './v2/handle-v2.js';
import { handleV3 } from './v3/handle-v3.js';

const MAX_BODY = 1024 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;

/**
 * Serves one HTTP request: the control surface, or a v2/v3 API call with the next scripted
 * fault applied, recorded in `sim.requests`.
 */
export async function handleRequest(
  sim: HandlerState & Simulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const url = req.url ?? '/';
  const parsed = new URL(url, 'http://simulator');
  if (parsed.pathname === '/__sim' || parsed.pathname.startsWith('/__sim/')) {
    const method = req.method ?? 'GET';
    const refusal = controlRefusal(
      new URL(sim.url).hostname,
      method,
      req.socket.remoteAddress,
      req.headers,
    );
    if (refusal) {
      const out = Buffer.from(JSON.stringify({ error: refusal.error }), 'utf8');
      res.writeHead(refusal.status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(out.length),
      });
      res.end(out);
      return;
    }
    if (await serveDashboard(sim, req, parsed, res)) return;
    await handleControl(sim, method, parsed, body, res);
    return;
  }
  const protocol: 'v2' | 'v3' | undefined = parsed.pathname.startsWith('/v3/')
    ? 'v3'
    : V2_PATHS.has(parsed.pathname)
      ? 'v2'
      : undefined;
  if (!protocol) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  const call: IncomingCall = {
    method: req.method ?? 'GET',
    url,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: req.headers,
    body: body.toString('utf8'),
  };
  const fault = sim.faults.take(protocol, parsed.pathname);
  const record = (status: number | undefined) => {
    // Bounded so a long-running simulator (bin, benchmarks) does not grow without limit.
    if (sim.requests.length >= MAX_LOGGED_REQUESTS)
      sim.requests.splice(0, MAX_LOGGED_REQUESTS / 10);
    sim.requests.push({
      protocol,
      method: call.method,
      url,
      path: call.path,
      headers: call.headers,
      body: call.body,
      ...(call.nonce ? { nonce: call.nonce } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(fault ? { fault: fault.kind } : {}),
      at: sim.now(),
    });
    sim.changes.emit({ kind: 'request' });
  };
  if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
  if (fault?.kind === 'reset') {
    peekNonce(protocol, call);
    record(undefined);
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') {
    peekNonce(protocol, call);
    const status = fault.status ?? 500;
    record(status);
    writeStatusFault(res, protocol, status, fault);
    return;
  }
  if (res.destroyed || req.socket.destroyed) {
    record(undefined);
    return;
  }
  const reply =
    protocol === 'v2'
      ? sim.tls && call.path.startsWith('/secapi/') && !presentsMerchantCertificate(sim, req)
        ? ({
            kind: 'v2',
            fields: { return_code: 'FAIL', return_msg: '证书验证失败，请求需携带商户API证书' },
            signType: undefined,
          } as const)
        : handleV2(sim, call)
      : handleV3(sim, call);
  const out = await renderReply(sim, reply, fault);
  record(out.status);
  if (fault?.kind === 'truncate' && out.body.length > 1) {
    res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
    res.write(out.body.subarray(0, out.body.length >> 1), () => res.destroy());
    return;
  }
  res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
  res.end(out.body);
}

// mTLS for /secapi/*: the peer must present the merchant API certificate, issued by our CA.
function presentsMerchantCertificate(sim: HandlerState, req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const peer = socket.getPeerCertificate();
  return peer?.serialNumber?.toUpperCase().replace(/^0+/, '') === sim.creds.merchantSerial;
}

// Fault paths skip the handlers, so the nonce is read here for the request log.
function peekNonce(protocol: 'v2' | 'v3', call: IncomingCall): void {
  if (protocol === 'v3') {
    const auth = call.headers.authorization;
    const m = /nonce_str="([^"]*)"/.exec(typeof auth === 'string' ? auth : '');
    if (m?.[1]) call.nonce = m[1];
  } else {
    const m = /<nonce_str>(?:<!\[CDATA\[)?([^<\]]*)/.exec(call.body);
    if (m?.[1]) call.nonce = m[1];
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
