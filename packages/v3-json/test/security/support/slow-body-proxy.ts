import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A 127.0.0.1 proxy in front of the simulator that, for the next `slowReplies` answers, sends
 * the status line, the headers and half the body, then stalls for `stallMs` before the rest.
 * The simulator has no slow-body fault (only latency before the headers), so this stands in.
 */
export class SlowBodyProxy {
  slowReplies = 0;
  stallMs = 1_000;
  url = '';
  #server: Server | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    const target = new URL(this.target);
    this.#server = createServer((req, res) => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const body = Buffer.concat(chunks);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            if (this.slowReplies <= 0) {
              res.end(body);
              return;
            }
            this.slowReplies--;
            res.write(body.subarray(0, body.length >> 1));
            const timer = setTimeout(() => {
              this.#timers.delete(timer);
              if (!res.destroyed) res.end(body.subarray(body.length >> 1));
            }, this.stallMs);
            this.#timers.add(timer);
          });
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }
}
