import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Send without Content-Length (chunked), so only the streaming cap can stop it. */
  readonly chunked?: boolean;
}

/**
 * A 127.0.0.1 server that answers every request with the current {@link Reply}, byte for byte:
 * the adversarial tests set a tampered reply, then call the client.
 */
export class ReplyServer {
  reply: Reply = { status: 404, headers: {}, body: Buffer.alloc(0) };
  requests = 0;
  url = '';
  #server: Server | undefined;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.requests++;
      req.resume();
      req.on('end', () => {
        const { status, headers, body, chunked } = this.reply;
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
          ...(chunked ? {} : { 'content-length': String(body.length) }),
        });
        if (chunked) {
          // Two writes so the body streams in pieces.
          res.write(body.subarray(0, body.length >> 1));
          res.end(body.subarray(body.length >> 1));
        } else res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }
}
