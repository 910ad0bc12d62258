import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers next. */
export interface RawReply {
  readonly status?: number;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
}

/**
 * A 127.0.0.1 server that answers every request with `reply`, byte for byte: the adversarial
 * tests choose each byte a client sees, including bytes no WeChat Pay server would send.
 */
export class ReplyServer {
  reply: RawReply = { body: '' };
  /** Request bodies received, oldest first. */
  readonly received: string[] = [];
  #server: Server | undefined;
  #url = '';

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    this.#server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.received.push(Buffer.concat(chunks).toString('utf8'));
      const { status = 200, body, headers = {} } = this.reply;
      res.writeHead(status, { 'content-type': 'text/xml', ...headers });
      res.end(body);
    });
    // Idle keep-alive sockets stay open across slow test phases (no reset on reuse).
    this.#server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
