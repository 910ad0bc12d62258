import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHeadersToRecord } from '../src/collect-response.js';
import {
  AbortedError,
  ConnectionError,
  ResponseTooLargeError,
  TimeoutError,
} from '../src/errors.js';
import { createTransport } from '../src/transport.js';

type Transport = ReturnType<typeof createTransport>;

/** Runs `use` with a fresh transport and closes it afterwards, pass or fail. */
async function withTransport(
  options: Parameters<typeof createTransport>[0],
  use: (transport: Transport) => Promise<void>,
): Promise<void> {
  const transport = createTransport(options);
  try {
    await use(transport);
  } finally {
    await transport.close();
  }
}

let server: Server;
let base: string;
const sockets = new Set<Socket>();
let connections = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/echo': {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('X-Method', req.method ?? '');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.end(Buffer.concat(chunks));
      });
      return;
    }
    case '/url':
      // Echoes the request target exactly as it arrived on the wire.
      res.end(req.url ?? '');
      return;
    case '/big':
      // No content-length: the cap must hold on a streamed body too.
      res.write(Buffer.alloc(600, 'a'));
      res.end(Buffer.alloc(600, 'b'));
      return;
    case '/big-declared':
      res.setHeader('Content-Length', '5000');
      res.end(Buffer.alloc(5000, 'c'));
      return;
    case '/slow':
      setTimeout(() => res.end('late'), 2_000).unref();
      return;
    case '/reset':
      req.socket.destroy();
      return;
    case '/early-hints':
      // A 1xx before the answer: the transport must wait for the final status.
      res.writeEarlyHints({ link: '</x.css>; rel=preload' }, () => res.end('final'));
      return;
    default:
      if (url.pathname.startsWith('/url/')) {
        res.end(req.url ?? '');
        return;
      }
      res.statusCode = 404;
      res.end('nope');
  }
}

beforeAll(async () => {
  server = createServer(handle);
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  server.close();
});

describe('createTransport', () => {
  it('sends the body and returns status, lower-cased headers and the raw body', async () => {
    await withTransport(undefined, async (t) => {
      const res = await t.request({
        url: `${base}/echo?x=1`,
        method: 'POST',
        body: '<xml>你好</xml>',
        headers: { 'Content-Type': 'text/xml' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-method']).toBe('POST');
      expect(res.headers['set-cookie']).toBe('a=1, b=2');
      expect(res.body.toString('utf8')).toBe('<xml>你好</xml>');
      const missing = await t.request({ url: `${base}/missing`, method: 'GET' });
      expect(missing.status).toBe(404);
    });
  });

  it('sends the request target new URL would send, for plain and unusual URLs alike', async () => {
    await withTransport(undefined, async (transport) => {
      const targets = [
        '/url/v3/pay/transactions/out-trade-no/A1?mchid=1',
        '/url/a/../b?x=1',
        '/url/a/%2e%2E/b',
        '/url/a b?q=a b',
        "/url/a?b='c'",
        '/url/订单',
        '/url/a#fragment',
        '/url/a{b}`c',
      ];
      for (const target of targets) {
        for (const origin of [base, base.toUpperCase().replace('HTTP', 'http')]) {
          const want = new URL(`${origin}${target}`);
          const r = await transport.request({ url: `${origin}${target}`, method: 'GET' });
          expect(r.body.toString(), `${origin}${target}`).toBe(`${want.pathname}${want.search}`);
        }
      }
    });
  });

  it('reuses keep-alive connections instead of opening one per request', async () => {
    await withTransport(undefined, async (t) => {
      const before = connections;
      for (let i = 0; i < 20; i++) {
        const res = await t.request({ url: `${base}/echo`, method: 'POST', body: String(i) });
        expect(res.body.toString()).toBe(String(i));
      }
      // undici may open a second socket while the first is still being released; never more.
      expect(connections - before).toBeGreaterThanOrEqual(1);
      expect(connections - before).toBeLessThanOrEqual(2);
    });
  });

  it('caps the response body, streamed or declared', async () => {
    await withTransport({ maxResponseBytes: 1_000 }, async (t) => {
      await expect(t.request({ url: `${base}/big`, method: 'GET' })).rejects.toBeInstanceOf(
        ResponseTooLargeError,
      );
      await expect(
        t.request({ url: `${base}/big-declared`, method: 'GET' }),
      ).rejects.toBeInstanceOf(ResponseTooLargeError);
      const ok = await t.request({ url: `${base}/big`, method: 'GET', maxResponseBytes: 2_000 });
      expect(ok.body.length).toBe(1_200);
    });
  });

  it('times out waiting for headers with TimeoutError', async () => {
    await withTransport({ headersTimeoutMs: 100 }, async (t) => {
      await expect(t.request({ url: `${base}/slow`, method: 'GET' })).rejects.toBeInstanceOf(
        TimeoutError,
      );
    });
  });

  it('reports a signal timeout as TimeoutError and a caller abort as AbortedError', async () => {
    await withTransport(undefined, async (t) => {
      await expect(
        t.request({ url: `${base}/slow`, method: 'GET', signal: AbortSignal.timeout(50) }),
      ).rejects.toBeInstanceOf(TimeoutError);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await t
        .request({ url: `${base}/slow`, method: 'GET', signal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortedError);
      expect((error as AbortedError).retryable).toBe(false);
    });
  });

  it('gives up after timeoutMs with TimeoutError, at once for 0, without a signal', async () => {
    await withTransport(undefined, async (t) => {
      const started = Date.now();
      await expect(
        t.request({ url: `${base}/slow`, method: 'GET', timeoutMs: 50 }),
      ).rejects.toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(1_500);
      await expect(
        t.request({ url: `${base}/echo`, method: 'POST', body: 'x', timeoutMs: 0 }),
      ).rejects.toBeInstanceOf(TimeoutError);
      // A timer that is not cleared would fail this answer once it fired.
      const ok = await t.request({ url: `${base}/echo`, method: 'POST', body: 'y', timeoutMs: 30 });
      await new Promise((r) => setTimeout(r, 60));
      expect(ok.body.toString()).toBe('y');
    });
  });

  it('maps a reset connection and a refused connection to retryable ConnectionError', async () => {
    await withTransport(undefined, async (t) => {
      const reset = await t
        .request({ url: `${base}/reset`, method: 'GET' })
        .catch((e: unknown) => e);
      expect(reset).toBeInstanceOf(ConnectionError);
      expect((reset as ConnectionError).retryable).toBe(true);
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const port = (closed.address() as AddressInfo).port;
      closed.close();
      await once(closed, 'close');
      const refused = await t
        .request({ url: `http://127.0.0.1:${port}/`, method: 'GET' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConnectionError);
      expect((refused as Error).message).toMatch(/ECONNREFUSED/);
    });
  });

  it('answers with the final response after a 1xx informational one', async () => {
    await withTransport(undefined, async (t) => {
      const res = await t.request({ url: `${base}/early-hints`, method: 'GET' });
      expect(res.status).toBe(200);
      expect(res.headers.link).toBeUndefined();
      expect(res.body.toString('utf8')).toBe('final');
    });
  });

  it('gives up on a request still waiting for a connection as soon as its signal aborts', async () => {
    // One connection, held by a slow request: the second one is queued, not yet written.
    await withTransport({ connections: 1 }, async (t) => {
      let slowDone = false;
      const slow = t.request({ url: `${base}/slow`, method: 'GET' }).then(() => {
        slowDone = true;
      });
      const queued = await t
        .request({
          url: `${base}/echo`,
          method: 'POST',
          body: 'x',
          signal: AbortSignal.timeout(50),
        })
        .catch((e: unknown) => e);
      expect(queued).toBeInstanceOf(TimeoutError);
      expect(slowDone).toBe(false);
      await slow;
    });
  });

  it('streams a body for large downloads', async () => {
    await withTransport({ maxResponseBytes: 10 }, async (t) => {
      const res = await t.stream({ url: `${base}/big`, method: 'GET' });
      let size = 0;
      for await (const chunk of res.body) size += (chunk as Buffer).length;
      expect(res.status).toBe(200);
      expect(size).toBe(1_200);
    });
  });
});

describe('createTransport configuration', () => {
  it('refuses a client certificate next to an injected dispatcher', async () => {
    const { Agent } = await import('undici');
    const dispatcher = new Agent();
    try {
      expect(() => createTransport({ dispatcher, tls: { cert: 'x', key: 'y' } })).toThrow(
        /either `dispatcher` or `tls`/,
      );
    } finally {
      await dispatcher.close();
    }
  });

  it('closes idempotently', async () => {
    const t = createTransport();
    await t.request({ url: `${base}/echo`, method: 'POST', body: 'x' });
    await Promise.all([t.close(), t.close()]);
    await expect(t.close()).resolves.toBeUndefined();
  });
});

describe('rawHeadersToRecord', () => {
  it('lower-cases names, joins repeated headers and keeps a __proto__ header as data', () => {
    const raw = [
      Buffer.from('Content-Type'),
      Buffer.from('application/json'),
      Buffer.from('Set-Cookie'),
      Buffer.from('a=1'),
      'set-cookie',
      ['b=2', Buffer.from('c=3')],
      Buffer.from('__proto__'),
      Buffer.from('x'),
      Buffer.from('Constructor'),
      Buffer.from('y'),
    ];
    const headers = rawHeadersToRecord(raw);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'set-cookie': 'a=1, b=2, c=3',
      ['__proto__']: 'x',
      constructor: 'y',
    });
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.keys(headers)).toContain('__proto__');
  });
});
