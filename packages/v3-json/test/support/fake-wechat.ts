import { verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gcmEncrypt, type SignerIdentity, signedHeaders, type TestKeys } from './test-keys.js';

/** A request the fake server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Whether the Authorization header verified with the merchant public key. */
  readonly authorized: boolean;
  /** The client's port: equal ports mean a reused keep-alive connection. */
  readonly remotePort: number | undefined;
}

/** How a route answers. */
export interface Reply {
  readonly status: number;
  readonly body?: string | Buffer | Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sign the answer (default: true for 2xx). */
  readonly sign?: boolean;
  /** Signs with this key instead of the default choice. */
  readonly signer?: SignerIdentity;
  /** Seconds added to the signed timestamp. */
  readonly timestampOffset?: number;
  /** Corrupts one part after signing. */
  readonly tamper?: 'body' | 'timestamp' | 'nonce' | 'serial' | 'signature';
  readonly probe?: boolean;
  /** Sends this `Wechatpay-Serial` (the signing key is unchanged). */
  readonly serialHeader?: string;
}

/** A route handler. */
export type Route = (request: RecordedRequest) => Reply | Promise<Reply>;

/**
 * A tiny WeChat Pay v3 stand-in on 127.0.0.1: verifies the client's Authorization with the
 * merchant public key (independently of the package's code), serves `/v3/certificates`, and
 * signs its answers with a platform certificate or the public key.
 */
export class FakeWechat {
  readonly requests: RecordedRequest[] = [];
  /** Certificates served by `/v3/certificates`. */
  certificates: SignerIdentity[];
  /** The key that signs when the request names none we know. */
  signer: SignerIdentity;
  /** Answers `/v3/certificates` with this status instead (e.g. 500 to fail refreshes). */
  certificatesStatus: number | undefined;
  /** Answers `/v3/certificates` with this error code (e.g. RESOURCE_NOT_EXISTS, status 404). */
  certificatesErrorCode: string | undefined;
  /** Clock in Unix seconds. */
  now: () => number = () => Math.floor(Date.now() / 1000);
  readonly routes = new Map<string, Route>();
  #server: Server | undefined;
  url = '';

  constructor(
    readonly keys: TestKeys,
    options: { certificates?: SignerIdentity[]; signer?: SignerIdentity } = {},
  ) {
    this.certificates = options.certificates ?? [keys.platformA];
    this.signer = options.signer ?? keys.platformA;
  }

  /**
   * Back to the state a test starts from: no routes, no recorded requests, the first platform
   * certificate served and signing, `/v3/certificates` answering normally. The clock is kept.
   */
  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
    this.certificates = [this.keys.platformA];
    this.signer = this.keys.platformA;
    this.certificatesStatus = undefined;
    this.certificatesErrorCode = undefined;
  }

  /** Registers `METHOD /path` (exact path without query, or a prefix ending in `*`). */
  on(methodAndPath: string, route: Route): this {
    this.routes.set(methodAndPath, route);
    return this;
  }

  /** Registers `METHOD /path` to answer 200 with `body`, signed (the common case). */
  answer(methodAndPath: string, body: NonNullable<Reply['body']>): this {
    return this.on(methodAndPath, () => ({ status: 200, body }));
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req)
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        })
        .catch((error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  #authorized(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
  ): boolean {
    const header = headers.authorization ?? '';
    const prefix = 'WECHATPAY2-SHA256-RSA2048 ';
    if (!header.startsWith(prefix)) return false;
    const attrs = Object.fromEntries(
      [...header.slice(prefix.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (attrs.serial_no !== this.keys.merchant.serial) return false;
    if (Math.abs(this.now() - Number(attrs.timestamp)) > 300) return false;
    const message = `${method}\n${path}\n${attrs.timestamp}\n${attrs.nonce_str}\n${body}\n`;
    return verify(
      'sha256',
      Buffer.from(message),
      this.keys.merchant.publicKey,
      Buffer.from(attrs.signature ?? '', 'base64'),
    );
  }

  #pickSigner(requested: string | undefined): SignerIdentity {
    if (requested) {
      if (requested === this.keys.publicKey.serial) return this.keys.publicKey;
      const cert = this.certificates.find((c) => c.serial === requested);
      if (cert && cert.serial === this.signer.serial) return cert;
    }
    return this.signer;
  }

  async #handle(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = {
      method,
      path,
      headers,
      body,
      authorized: this.#authorized(method, path, headers, body),
      remotePort: req.socket.remotePort,
    };
    this.requests.push(recorded);
    let reply: Reply;
    if (!recorded.authorized) {
      reply = { status: 401, body: { code: 'SIGN_ERROR', message: 'signature mismatch' } };
    } else {
      reply = await this.#route(recorded);
    }
    return this.#render(reply, headers['wechatpay-serial']);
  }

  async #route(request: RecordedRequest): Promise<Reply> {
    const bare = request.path.split('?')[0] ?? '';
    if (
      request.method === 'GET' &&
      bare === '/v3/certificates' &&
      !this.routes.has('GET /v3/certificates')
    ) {
      if (this.certificatesErrorCode) {
        return {
          status: this.certificatesStatus ?? 404,
          body: { code: this.certificatesErrorCode, message: 'no certs' },
        };
      }
      if (this.certificatesStatus) {
        return { status: this.certificatesStatus, body: { code: 'SYSTEM_ERROR', message: 'down' } };
      }
      return { status: 200, body: this.certificatesBody() };
    }
    const exact = this.routes.get(`${request.method} ${bare}`);
    if (exact) return exact(request);
    for (const [key, route] of this.routes) {
      const [m, p = ''] = key.split(' ');
      if (m === request.method && p.endsWith('*') && bare.startsWith(p.slice(0, -1))) {
        return route(request);
      }
    }
    return { status: 404, body: { code: 'NOT_FOUND', message: 'no route' }, sign: false };
  }

  /** The `/v3/certificates` body for the current certificates. */
  certificatesBody(): Record<string, unknown> {
    return {
      data: this.certificates.map((c, i) => {
        const nonce = `certnonce${String(i).padStart(3, '0')}`;
        return {
          serial_no: c.serial,
          effective_time: c.notBefore?.toISOString(),
          expire_time: c.notAfter?.toISOString(),
          encrypt_certificate: {
            algorithm: 'AEAD_AES_256_GCM',
            nonce,
            associated_data: 'certificate',
            ciphertext: gcmEncrypt(this.keys.apiV3Key, nonce, 'certificate', c.pem ?? ''),
          },
        };
      }),
    };
  }

  #render(reply: Reply, requestedSerial: string | undefined) {
    const body =
      reply.body === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(reply.body)
          ? reply.body
          : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    const headers: Record<string, string> = {
      'request-id': `REQ-${this.requests.length}`,
      ...(body.length ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    };
    const shouldSign = reply.sign ?? (reply.status >= 200 && reply.status < 300);
    if (!shouldSign) return { status: reply.status, headers, body };
    const signer = reply.signer ?? this.#pickSigner(requestedSerial);
    const signed = signedHeaders(signer, body, {
      timestamp: this.now() + (reply.timestampOffset ?? 0),
      ...(reply.probe ? { probe: true } : {}),
      ...(reply.serialHeader ? { serial: reply.serialHeader } : {}),
    });
    let out = body;
    switch (reply.tamper) {
      case 'body':
        out = Buffer.from(body);
        out[0] = (out[0] ?? 0) ^ 1;
        break;
      case 'timestamp':
        signed['wechatpay-timestamp'] = String(Number(signed['wechatpay-timestamp']) - 1);
        break;
      case 'nonce':
        signed['wechatpay-nonce'] = `${signed['wechatpay-nonce']!.slice(0, -1)}x`;
        break;
      case 'serial':
        signed['wechatpay-serial'] =
          signer.serial === this.keys.platformA.serial
            ? this.keys.platformB.serial
            : this.keys.platformA.serial;
        break;
      case 'signature': {
        const sig = Buffer.from(signed['wechatpay-signature']!, 'base64');
        sig[10] = (sig[10] ?? 0) ^ 1;
        signed['wechatpay-signature'] = sig.toString('base64');
        break;
      }
    }
    return { status: reply.status, headers: { ...headers, ...signed }, body: out };
  }
}
