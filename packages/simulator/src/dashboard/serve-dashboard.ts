import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOverview } from './build-overview.js';
import type { DashboardSource } from './dashboard-source.js';
import { streamChanges } from './stream-changes.js';

/** Where the dashboard page lives on the simulator. */
export const DASHBOARD_PATH = '/__sim/';

// The page's files ship in the package's `static/dashboard/` (src/ and dist/ are both two levels
// below the package root, so the same relative URL works from either).
const STATIC_DIR = fileURLToPath(new URL('../../static/dashboard/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
};

// Only these files are served: no path from a request ever reaches the file system.
const ASSETS: Readonly<Record<string, () => string>> = {
  'app.js': () => join(STATIC_DIR, 'app.js'),
  'render.js': () => join(STATIC_DIR, 'render.js'),
  'qr.js': () => join(STATIC_DIR, 'qr.js'),
  'dashboard.css': () => join(STATIC_DIR, 'dashboard.css'),
  // The QR encoder comes from its npm package (ESM build), served as is.
  'qrcode.mjs': () =>
    join(dirname(createRequire(import.meta.url).resolve('qrcode-generator')), 'qrcode.mjs'),
};

const cache = new Map<string, Buffer>();

async function load(file: string): Promise<Buffer> {
  let body = cache.get(file);
  if (!body) {
    body = await readFile(file);
    cache.set(file, body);
  }
  return body;
}

/**
 * Serves the dashboard's routes: the page (`/__sim/`), its files (`/__sim/dashboard/*`), the
 * JSON snapshot (`/__sim/overview`) and the live change stream (`/__sim/events`). Returns false
 * for any other request. The controls on the page call the control surface's JSON endpoints.
 * Access (loopback clients with a loopback `Host` only) is checked before this, for every
 * `/__sim/` route alike (see `control-access.ts`).
 */
export async function serveDashboard(
  sim: DashboardSource,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<boolean> {
  const path = url.pathname;
  const asset = path.startsWith('/__sim/dashboard/')
    ? path.slice('/__sim/dashboard/'.length)
    : undefined;
  const route =
    path === '/__sim' || path === DASHBOARD_PATH
      ? 'page'
      : path === '/__sim/overview'
        ? 'overview'
        : path === '/__sim/events'
          ? 'events'
          : asset !== undefined
            ? 'asset'
            : undefined;
  if (!route) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', `${req.method} is not allowed here`);
    return true;
  }
  if (path === '/__sim') {
    res.writeHead(308, { Location: DASHBOARD_PATH }).end();
    return true;
  }
  if (route === 'events') {
    streamChanges(sim.changes, req, res);
    return true;
  }
  if (route === 'overview') {
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(buildOverview(sim)));
    return true;
  }
  let file: string | undefined;
  if (route === 'page') file = join(STATIC_DIR, 'index.html');
  else if (asset !== undefined && Object.hasOwn(ASSETS, asset)) file = ASSETS[asset]?.();
  if (!file) {
    send(res, 404, 'text/plain; charset=utf-8', `no dashboard file ${asset}`);
    return true;
  }
  const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
  send(res, 200, type, await load(file));
  return true;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': String(bytes.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // The page loads only its own files and talks only to this simulator.
    'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  });
  res.end(bytes);
}
