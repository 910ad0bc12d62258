import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { buildXml, parseXml, type SignType, signFields, verifyFields } from '../../src/index.js';

/** One request the fake server received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly fields: Record<string, string>;
  readonly signValid: boolean;
  /** Which TCP connection carried it (1, 2, …): shows keep-alive reuse. */
  readonly connection: number;
  readonly clientCertSubject?: string;
}

/** What the test's route answers. */
export interface FakeReply {
  /** Business fields; return_code/appid/mch_id/nonce_str are added unless `bare`. */
  readonly fields?: Record<string, string | number | undefined>;
  /** Sign with this type (default: the server's), or `false` for no sign. */
  readonly signWith?: SignType | false;
  /** Key to sign with (default: the server's). */
  readonly signKey?: string;
  /** Change fields after signing (tamper tests). */
  readonly afterSign?: (fields: Record<string, string | number | undefined>) => void;
  readonly status?: number;
  /** Send these bytes verbatim instead. */
  readonly rawBody?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Do not add the common fields. */
  readonly bare?: boolean;
  /** Write `rawBody`, then destroy the connection (a download cut mid-way). */
  readonly cut?: boolean;
}

export type Route = (request: ReceivedRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeServerOptions {
  readonly apiKey: string;
  readonly signType?: SignType;
  readonly appId: string;
  readonly mchId: string;
  readonly routes: Record<string, Route>;
  /** Serve HTTPS with these options (mutual TLS tests). */
  readonly tls?: ServerOptions;
}

export interface FakeServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Forgets received requests and per-path call counts. */
  reset(): void;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A small WeChat Pay v2 stand-in on 127.0.0.1 that answers signed XML. */
export async function startFakeV2Server(options: FakeServerOptions): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new WeakMap<object, number>();
  let socketCount = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readAll(req);
    let fields: Record<string, string> = {};
    try {
      fields = parseXml(body);
    } catch {
      fields = {};
    }
    const signType: SignType = fields.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
    const signValid = fields.sign
      ? verifyFields(fields, fields.sign, options.apiKey, signType)
      : false;
    const peer = (
      req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }
    ).getPeerCertificate?.();
    let connection = sockets.get(req.socket);
    if (connection === undefined) {
      connection = ++socketCount;
      sockets.set(req.socket, connection);
    }
    const received: ReceivedRequest = {
      path,
      fields,
      signValid,
      connection,
      ...(peer?.subject?.CN ? { clientCertSubject: peer.subject.CN } : {}),
    };
    requests.push(received);
    const route = options.routes[path];
    const index = counts.get(path) ?? 0;
    counts.set(path, index + 1);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const reply = await route(received, index);
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml', ...reply.headers });
    if (reply.rawBody !== undefined && reply.cut) {
      res.write(reply.rawBody, () => res.destroy());
      return;
    }
    if (reply.rawBody !== undefined) {
      res.end(reply.rawBody);
      return;
    }
    const out: Record<string, string | number | undefined> = reply.bare
      ? { ...reply.fields }
      : {
          return_code: 'SUCCESS',
          return_msg: 'OK',
          appid: options.appId,
          mch_id: options.mchId,
          nonce_str: 'n0nce',
          result_code: 'SUCCESS',
          ...reply.fields,
        };
    if (reply.signWith !== false) {
      out.sign = signFields(
        out,
        reply.signKey ?? options.apiKey,
        reply.signWith ?? options.signType ?? 'MD5',
      );
    }
    reply.afterSign?.(out);
    res.end(buildXml(out));
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      res.writeHead(500).end();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer(options.tls, listener)
    : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    reset: () => {
      requests.length = 0;
      counts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
