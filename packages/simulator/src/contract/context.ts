/**
 * The shared setup of the contract suite: one simulator, one notification receiver and one
 * client per suite, plus the helpers every scenario group uses. A scenario group is a function
 * of a {@link ContractContext} that registers its own `describe`/`it` blocks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  CreateOrderParams,
  OrderKind,
  PaymentClient,
  PaymentNotification,
  Prepay,
  ServiceProviderClient,
  SubMerchant,
  SubMerchantClient,
} from '@wxpay/core';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../start-simulator.js';
import { type NotificationReceiver, startNotificationReceiver } from './notification-receiver.js';

/** Options of {@link describePaymentClientContract}. */
export interface PaymentClientContractOptions {
  /** Options for the simulator the suite starts (e.g. `trust: 'certificate'`). */
  readonly simulator?: SimulatorOptions;
  /** Order kinds to create (default: all five). */
  readonly kinds?: readonly OrderKind[];
  /**
   * The adapter's `createNodeNotificationHandler`: when given, the suite serves it as a real
   * notify_url and checks acknowledgements and redelivery end to end.
   */
  readonly nodeNotificationHandler?: (
    client: PaymentClient,
    onNotification: (notification: PaymentNotification) => Promise<void>,
  ) => (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /**
   * The v2 sign type of orders the suite creates itself through v2 (default MD5), for clients
   * that verify v2 notifications without creating v2 orders (a migration client in v3 mode).
   */
  readonly v2SignType?: 'MD5' | 'HMAC-SHA256';
  /** The adapter's `createWebNotificationHandler`, checked with Fetch API requests. */
  readonly webNotificationHandler?: (
    client: PaymentClient,
    onNotification: (notification: PaymentNotification) => Promise<void>,
  ) => (request: Request) => Promise<Response>;
  /**
   * Partner (service-provider) mode: the factory's client is the provider's, and every
   * scenario runs through `client.forSubMerchant(<the simulator's first bound sub-merchant>)`;
   * the partner scenarios (two sub-merchants, one notify endpoint, unbound sub-merchant) run too.
   */
  readonly partner?: boolean;
}

type ErrorClass = { readonly kind: string; isInstance(value: unknown): boolean };

const V2_ACK =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
/** The payer openid the suite's JSAPI and mini-program orders carry. */
export const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/**
 * What a scenario group works with. `sim`, `client` and `receiver` are set in `beforeAll`, so
 * read them inside `it` (or hooks), never while registering tests.
 */
export interface ContractContext {
  readonly options: PaymentClientContractOptions;
  readonly sim: Simulator;
  readonly client: PaymentClient;
  readonly receiver: NotificationReceiver;
  /** Partner mode: the service provider's client the suite's `client` was scoped from. */
  readonly provider: (PaymentClient & ServiceProviderClient) | undefined;
  /** Partner mode: the sub-merchant the suite's `client` is scoped to. */
  readonly subMerchant: SubMerchant | undefined;
  /** Options for the suite's own raw requests (in TLS mode, a dispatcher trusting the CA). */
  raw(): { readonly dispatcher?: Agent };
  /** A fresh, unique out_trade_no / out_refund_no. */
  no(): string;
  /** Order parameters of `kind` with the receiver as notify_url. */
  params(kind: OrderKind, outTradeNo: string, total?: number): CreateOrderParams;
  /** Creates an order through the client under test. */
  create(kind?: OrderKind, total?: number): Promise<{ outTradeNo: string; prepay: Prepay }>;
  /** The path prefix of an order query in the client's protocol (for faults). */
  queryPath(): string;
  /** Awaits a rejection of class `cls` that carries no secret; returns the error. */
  expectError(promise: Promise<unknown>, cls: ErrorClass): Promise<unknown>;
}

/** A scenario group: registers its `describe`/`it` blocks against the shared context. */
export type ScenarioGroup = (ctx: ContractContext) => void;

/**
 * Registers the suite's hooks (start/stop of the simulator, receiver and client; faults cleared
 * after each test) and returns the context the scenario groups share. Call inside `describe`.
 */
export function createContractContext(
  factory: (sim: Simulator) => PaymentClient | Promise<PaymentClient>,
  options: PaymentClientContractOptions,
): ContractContext {
  let sim: Simulator;
  let receiver: NotificationReceiver;
  let client: PaymentClient;
  let provider: (PaymentClient & ServiceProviderClient) | undefined;
  // In TLS mode the suite's own raw requests must trust the simulator's CA.
  let rawAgent: Agent | undefined;
  const raw = () => (rawAgent ? { dispatcher: rawAgent } : {});
  let seq = 0;
  const no = () => `CT${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

  beforeAll(async () => {
    [sim, receiver] = await Promise.all([
      startSimulator(options.simulator),
      startNotificationReceiver(),
    ]);
    if (sim.tls) rawAgent = new Agent({ connect: { ca: sim.tls.ca } });
    const built = await factory(sim);
    if (options.partner) {
      provider = built as PaymentClient & ServiceProviderClient;
      const [sub] = sim.subMerchants.list();
      if (!sub || typeof provider.forSubMerchant !== 'function') {
        throw new Error('partner mode needs a client with forSubMerchant and a bound sub-merchant');
      }
      client = provider.forSubMerchant(sub);
    } else client = built;
    receiver.respond = () =>
      client.protocol === 'v2'
        ? { status: 200, body: V2_ACK, headers: { 'Content-Type': 'text/xml' } }
        : { status: 204 };
  });
  afterAll(async () => {
    // Both adapters expose close() for their keep-alive pools; PaymentClient does not require it.
    const closable = (provider ?? client) as unknown as { close?: () => Promise<void> } | undefined;
    if (typeof closable?.close === 'function') await closable.close();
    await Promise.all([sim?.stop(), receiver?.stop(), rawAgent?.close()]);
  });
  afterEach(() => {
    sim.faults.clear();
  });

  const params = (kind: OrderKind, outTradeNo: string, total = 100): CreateOrderParams => {
    const base = {
      outTradeNo,
      description: '合约测试-contract',
      amount: { total, currency: 'CNY' },
      notifyUrl: receiver.url,
      clientIp: '127.0.0.1',
      attach: 'contract',
    };
    switch (kind) {
      case 'jsapi':
      case 'miniprogram':
        return { ...base, kind, payer: { openid: OPENID } };
      case 'app':
        return { ...base, kind };
      case 'native':
        return { ...base, kind };
      case 'h5':
        return {
          ...base,
          kind,
          h5Info: { type: 'Wap', appName: 'contract', appUrl: 'https://example.com' },
        };
    }
  };
  const create = async (kind: OrderKind = 'native', total = 100) => {
    const outTradeNo = no();
    const prepay = await client.createOrder(params(kind, outTradeNo, total));
    return { outTradeNo, prepay };
  };
  const queryPath = () =>
    client.protocol === 'v2'
      ? '/pay/orderquery'
      : provider
        ? '/v3/pay/partner/transactions/out-trade-no/'
        : '/v3/pay/transactions/out-trade-no/';

  async function expectError(promise: Promise<unknown>, cls: ErrorClass): Promise<unknown> {
    let caught: unknown;
    try {
      await promise;
    } catch (error) {
      caught = error;
    }
    const described =
      caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    expect(caught, 'the call should have failed').toBeDefined();
    expect(cls.isInstance(caught), `expected ${cls.kind}, got ${described}`).toBe(true);
    expectNoSecrets(caught);
    return caught;
  }

  // Errors must never carry the API key, the APIv3 key or the private key.
  function expectNoSecrets(error: unknown) {
    const m = sim.merchant;
    const keyLine = m.privateKey.split('\n')[1] ?? m.privateKey;
    const seen = new Set<unknown>();
    const texts: string[] = [];
    for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); ) {
      seen.add(e);
      texts.push(String(e));
      if (e instanceof Error) texts.push(e.message, e.stack ?? '');
      try {
        texts.push(JSON.stringify(e) ?? '');
      } catch {
        // circular structures are not serialised by loggers either
      }
      e = e instanceof Error ? e.cause : undefined;
    }
    const all = texts.join('\n');
    expect(all.includes(m.apiKey), 'an error exposes the API key').toBe(false);
    expect(all.includes(m.apiV3Key), 'an error exposes the APIv3 key').toBe(false);
    expect(all.includes(keyLine), 'an error exposes the private key').toBe(false);
  }

  return {
    options,
    get sim() {
      return sim;
    },
    get client() {
      return client;
    },
    get receiver() {
      return receiver;
    },
    get provider() {
      return provider;
    },
    get subMerchant() {
      return provider ? (client as SubMerchantClient).subMerchant : undefined;
    },
    raw,
    no,
    params,
    create,
    queryPath,
    expectError,
  };
}
