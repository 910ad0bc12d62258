/**
 * Case I: one contestant's notification handler, in its own process so its CPU time is its own.
 * It serves the handler on 127.0.0.1 and counts the merchant callbacks. IPC:
 *   { type: 'init', protocol, contestant, keys } → { type: 'ready', port }
 *   { type: 'start' } → { type: 'started' }         (resets counters, starts the CPU clock)
 *   { type: 'stop' } → { type: 'stopped', callbacks, cpuUs, elapsedMs, peakRssMb }
 *   { type: 'exit' }
 */
import { createServer } from 'node:http';
import { type KeyPems, toKeys, V2_OUT_TRADE_NO, V3_OUT_TRADE_NO } from '../fixtures.js';
import { NOTIFY_HANDLERS, type NotifyContestant } from './handlers/index.js';

/** The init message. */
export interface NotifyInit {
  readonly type: 'init';
  readonly protocol: 'v2' | 'v3';
  readonly contestant: NotifyContestant;
  readonly keys: KeyPems;
}

/** The reply to `stop`. */
export interface NotifyStopped {
  readonly type: 'stopped';
  /** Callbacks with the expected order number since `start`. */
  readonly callbacks: number;
  /** Callbacks with any other order number (a wrong decode). */
  readonly wrongCallbacks: number;
  readonly cpuUs: number;
  readonly elapsedMs: number;
  readonly peakRssMb: number;
}

let callbacks = 0;
let wrongCallbacks = 0;
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let peakRss = 0;
let sampler: NodeJS.Timeout | undefined;

const send = (msg: unknown) => process.send?.(msg);

process.on('message', (msg: NotifyInit | { type: 'start' | 'stop' | 'exit' }) => {
  switch (msg.type) {
    case 'init': {
      const expected = msg.protocol === 'v3' ? V3_OUT_TRADE_NO : V2_OUT_TRADE_NO;
      const listener = NOTIFY_HANDLERS[msg.contestant](msg.protocol, toKeys(msg.keys), (no) => {
        if (no === expected) callbacks++;
        else wrongCallbacks++;
      });
      const server = createServer(listener);
      server.keepAliveTimeout = 60_000;
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
      });
      return;
    }
    case 'start':
      callbacks = 0;
      wrongCallbacks = 0;
      peakRss = process.memoryUsage.rss();
      sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 20);
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      send({ type: 'started' });
      return;
    case 'stop': {
      const cpu = process.cpuUsage(cpu0);
      const elapsedMs = performance.now() - t0;
      clearInterval(sampler);
      send({
        type: 'stopped',
        callbacks,
        wrongCallbacks,
        cpuUs: cpu.user + cpu.system,
        elapsedMs,
        peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / 1024 / 1024,
      } satisfies NotifyStopped);
      return;
    }
    case 'exit':
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
