import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { clientConfig, type SimulatorClientConfigs, type WithOverrides } from './client-config.js';
import type { MicropayOutcome, NotifyOptions } from './context.js';
import { type GeneratedCredentials, generateCredentials } from './credentials.js';
import { handleRequest } from './handle-request.js';
import { HandlerState } from './handler-state.js';
import type { OrderSelector, SimulatedOrder, SimulatedRefund } from './order-store.js';
import { type PlantOptions, plantPaidOrders } from './planted-history.js';
import {
  completeRefundScenario,
  moveOrderScenario,
  payScenario,
  resendPaymentNotification,
  rotatePlatformCertificate,
} from './scenario-controls.js';
import type { PayOptions, Simulator, SimulatorOptions } from './simulator-types.js';

export type {
  PayOptions,
  RecordedRequest,
  Simulator,
  SimulatorOptions,
} from './simulator-types.js';

/** Starts a simulated WeChat Pay on 127.0.0.1 (port 0 by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.now ?? Date.now;
  const creds = await generateCredentials(clock(), options.tls === true);
  const sim = new SimulatorServer(options, creds);
  await sim.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sim;
}

// Wires the parts: the state the handlers use (handler-state.ts), the HTTP server
// (handle-request.ts → render-reply.ts), the scenario controls (scenario-controls.ts).
class SimulatorServer extends HandlerState implements Simulator {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(options: SimulatorOptions, creds: GeneratedCredentials) {
    super(options, creds);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      void handleRequest(this, req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`simulator error: ${error instanceof Error ? error.message : String(error)}`);
        } else res.destroy();
      });
    };
    this.#server = creds.tls
      ? createHttpsServer(
          {
            key: creds.tls.serverKey,
            cert: creds.tls.serverCertificate,
            ca: creds.tls.caCertificate,
            // Asked for, checked per path: only /secapi/* insist on it (as WeChat Pay does).
            requestCert: true,
            rejectUnauthorized: false,
          },
          onRequest,
        )
      : createServer(onRequest);
    this.#server.on(creds.tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  async listen(port: number, host: string): Promise<void> {
    this.#server.listen(port, host);
    await once(this.#server, 'listening');
    const addr = this.#server.address() as AddressInfo;
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `${this.tls ? 'https' : 'http'}://${h}:${addr.port}`;
  }

  pay(outTradeNo: string, options: PayOptions = {}): SimulatedOrder {
    return payScenario(this, outTradeNo, options);
  }

  fail(outTradeNo: string, select?: OrderSelector): SimulatedOrder {
    return moveOrderScenario(this, outTradeNo, 'PAYERROR', select);
  }

  setUserPaying(outTradeNo: string, select?: OrderSelector): SimulatedOrder {
    return moveOrderScenario(this, outTradeNo, 'USERPAYING', select);
  }

  expire(outTradeNo: string, select?: OrderSelector): SimulatedOrder {
    return moveOrderScenario(this, outTradeNo, 'CLOSED', select);
  }

  completeRefund(
    outRefundNo: string,
    status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' = 'SUCCESS',
    select?: OrderSelector,
  ): SimulatedRefund {
    return completeRefundScenario(this, outRefundNo, status, select);
  }

  refund(
    outRefundNo: string,
    status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL',
    select?: OrderSelector,
  ): SimulatedRefund {
    return this.completeRefund(outRefundNo, status, select);
  }

  close(outTradeNo: string, select?: OrderSelector): SimulatedOrder {
    return this.expire(outTradeNo, select);
  }

  queueMicropayOutcome(...outcomes: MicropayOutcome[]): void {
    this.micropay.push(...outcomes);
  }

  sendPaymentNotification(
    outTradeNo: string,
    options: NotifyOptions = {},
    select?: OrderSelector,
  ): void {
    resendPaymentNotification(this, outTradeNo, options, select);
  }

  advanceTime(ms: number): void {
    this.offset += ms;
  }

  rotatePlatformCertificate(): Promise<string> {
    return rotatePlatformCertificate(this);
  }

  plantPaidOrders(options: PlantOptions): string {
    return plantPaidOrders(this, options);
  }

  getOrder(outTradeNo: string, select?: OrderSelector): SimulatedOrder | undefined {
    const o = this.store.find(outTradeNo, select);
    return o && structuredClone(o);
  }

  getRefund(outRefundNo: string, select?: OrderSelector): SimulatedRefund | undefined {
    const r = this.store.findRefund(outRefundNo, select);
    return r && structuredClone(r);
  }

  clientConfig<P extends 'v2' | 'v3', O extends object = Record<never, never>>(
    protocol: P,
    overrides?: O,
  ): WithOverrides<SimulatorClientConfigs[P], O> {
    return clientConfig(this, protocol, overrides);
  }

  async stop(): Promise<void> {
    this.notifications.stop();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }
}
