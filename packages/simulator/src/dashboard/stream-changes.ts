import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeFeed, SimulatorChangeKind } from '../change-feed.js';

/** Changes within this window go out as one event (a benchmark makes thousands a second). */
const COALESCE_MS = 100;
/** A comment line now and then keeps proxies and idle timeouts from closing the stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Serves `GET /__sim/events`: a server-sent event stream with one `change` event (data: the
 * kinds that changed, as JSON) per burst of changes. It ends when the client goes away or the
 * simulator stops.
 */
export function streamChanges(feed: ChangeFeed, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write('retry: 1000\n: connected\n\n');
  const pending = new Set<SimulatorChangeKind>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    res.write(`event: change\ndata: ${JSON.stringify({ kinds: [...pending] })}\n\n`);
    pending.clear();
  };
  const unsubscribe = feed.subscribe((change) => {
    pending.add(change.kind);
    timer ??= setTimeout(flush, COALESCE_MS);
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  const end = () => {
    unsubscribe();
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
  };
  req.on('close', end);
  res.on('close', end);
}
