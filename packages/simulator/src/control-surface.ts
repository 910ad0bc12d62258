import type { ServerResponse } from 'node:http';
import { WxPayError } from '@wxpay/core';
import type { MicropayOutcome } from './context.js';
import { CONTROL_FAULT_KINDS } from './control-fault-kinds.js';
import type { FaultKind, FaultSpec } from './faults.js';
import type { PayOptions, Simulator } from './start-simulator.js';

/** The HTTP prefix of the control surface. */
export const CONTROL_PREFIX = '/__sim';

const FAULT_KINDS: ReadonlySet<string> = new Set(CONTROL_FAULT_KINDS);

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function text(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '')
    throw new ControlError(400, `${name} must be a non-empty string`);
  return v;
}

/**
 * The control surface over HTTP (same base URL, `/__sim/…`), for tests and demos in other
 * languages or processes. Every answer is JSON.
 */
export async function handleControl(
  sim: Simulator,
  method: string,
  url: URL,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  let status = 200;
  let answer: unknown;
  try {
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null)
          input = parsed as Record<string, unknown>;
      } catch {
        throw new ControlError(400, 'body must be JSON');
      }
    }
    answer = await dispatch(sim, method, url.pathname.slice(CONTROL_PREFIX.length), input);
  } catch (error) {
    if (error instanceof ControlError) status = error.status;
    else if (WxPayError.isInstance(error)) status = 409;
    else if (error instanceof Error && error.message.startsWith('simulator: no ')) status = 404;
    else status = 400;
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  const out = Buffer.from(JSON.stringify(answer ?? {}), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(out.length),
  });
  res.end(out);
}

async function dispatch(
  sim: Simulator,
  method: string,
  path: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  const get = (prefix: string) =>
    method === 'GET' && path.startsWith(prefix)
      ? decodeURIComponent(path.slice(prefix.length))
      : undefined;
  const orderNo = get('/orders/');
  if (orderNo !== undefined) {
    const order = sim.getOrder(orderNo);
    if (!order) throw new ControlError(404, `no order ${orderNo}`);
    return order;
  }
  const refundNo = get('/refunds/');
  if (refundNo !== undefined) {
    const refund = sim.getRefund(refundNo);
    if (!refund) throw new ControlError(404, `no refund ${refundNo}`);
    return refund;
  }
  if (method === 'GET' && path === '/notifications') return sim.notifications.attempts;
  if (method === 'GET' && path === '/requests') return sim.requests;
  if (method === 'GET' && path === '/merchant') {
    const m = sim.merchant;
    return {
      mchId: m.mchId,
      appId: m.appId,
      certificateSerial: m.certificateSerial,
      wechatpayPublicKey: m.wechatpayPublicKey,
      platformCertificates: m.platformCertificates,
    };
  }
  if (method === 'GET' && path === '/time') return { now: sim.now() };
  if (method === 'DELETE' && path === '/faults') {
    sim.faults.clear();
    return { ok: true };
  }
  if (method !== 'POST') throw new ControlError(404, `no control endpoint ${method} ${path}`);
  switch (path) {
    case '/pay':
      return sim.pay(text(input.outTradeNo, 'outTradeNo'), payOptions(input));
    case '/fail':
      return sim.fail(text(input.outTradeNo, 'outTradeNo'));
    case '/user-paying':
      return sim.setUserPaying(text(input.outTradeNo, 'outTradeNo'));
    case '/expire':
      return sim.expire(text(input.outTradeNo, 'outTradeNo'));
    case '/refunds/complete': {
      const s = input.status ?? 'SUCCESS';
      if (s !== 'SUCCESS' && s !== 'CLOSED' && s !== 'ABNORMAL') {
        throw new ControlError(400, 'status must be SUCCESS, CLOSED or ABNORMAL');
      }
      return sim.completeRefund(text(input.outRefundNo, 'outRefundNo'), s);
    }
    case '/advance-time': {
      if (typeof input.ms !== 'number' || !Number.isFinite(input.ms)) {
        throw new ControlError(400, 'ms must be a number');
      }
      sim.advanceTime(input.ms);
      return { now: sim.now() };
    }
    case '/rotate-certificate':
      return { serial: await sim.rotatePlatformCertificate() };
    case '/notify':
      sim.sendPaymentNotification(text(input.outTradeNo, 'outTradeNo'), {
        ...(typeof input.timestampOffsetSeconds === 'number'
          ? { timestampOffsetSeconds: input.timestampOffsetSeconds }
          : {}),
        ...(input.signature === 'bad' || input.signature === 'probe'
          ? { signature: input.signature }
          : {}),
        ...(input.v2SignType === 'MD5' || input.v2SignType === 'HMAC-SHA256'
          ? { v2SignType: input.v2SignType }
          : {}),
      });
      return { ok: true };
    case '/redeliver':
      sim.notifications.redeliver(text(input.id, 'id'));
      return { ok: true };
    case '/micropay-outcomes': {
      const outcomes = Array.isArray(input.outcomes) ? input.outcomes : [];
      const valid = ['SUCCESS', 'USERPAYING', 'PAYERROR', 'NOTENOUGH'];
      if (!outcomes.every((o) => typeof o === 'string' && valid.includes(o))) {
        throw new ControlError(400, `outcomes must be among ${valid.join(', ')}`);
      }
      sim.queueMicropayOutcome(...(outcomes as MicropayOutcome[]));
      return { ok: true };
    }
    case '/faults': {
      sim.faults.push(faultSpec(input));
      return { pending: sim.faults.pending.length };
    }
    default:
      throw new ControlError(404, `no control endpoint POST ${path}`);
  }
}

function payOptions(input: Record<string, unknown>): PayOptions {
  const coupons = Array.isArray(input.coupons) ? input.coupons : [];
  return {
    coupons: coupons.map((c: unknown) => {
      const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      if (o.type !== 'CASH' && o.type !== 'NOCASH')
        throw new ControlError(400, 'coupon type must be CASH or NOCASH');
      if (typeof o.amount !== 'number' || !Number.isInteger(o.amount) || o.amount <= 0) {
        throw new ControlError(400, 'coupon amount must be a positive integer (fen)');
      }
      return {
        type: o.type,
        amount: o.amount,
        ...(typeof o.id === 'string' ? { id: o.id } : {}),
        ...(typeof o.name === 'string' ? { name: o.name } : {}),
      };
    }),
    ...(typeof input.openid === 'string' ? { openid: input.openid } : {}),
    ...(typeof input.bankType === 'string' ? { bankType: input.bankType } : {}),
    ...(input.silent === true ? { silent: true } : {}),
  };
}

function faultSpec(input: Record<string, unknown>): FaultSpec {
  const kind = input.kind;
  if (typeof kind !== 'string' || !FAULT_KINDS.has(kind)) {
    throw new ControlError(400, `kind must be one of ${[...FAULT_KINDS].join(', ')}`);
  }
  const num = (name: string): number | undefined => {
    const v = input[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ControlError(400, `${name} must be a number`);
    return v;
  };
  const protocol = input.protocol;
  if (protocol !== undefined && protocol !== 'v2' && protocol !== 'v3') {
    throw new ControlError(400, 'protocol must be v2 or v3');
  }
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : { [k]: v });
  return {
    kind: kind as FaultKind,
    ...opt('path', typeof input.path === 'string' ? input.path : undefined),
    ...opt('protocol', protocol as 'v2' | 'v3' | undefined),
    ...opt('times', num('times')),
    ...opt('latencyMs', num('latencyMs')),
    ...opt('status', num('status')),
    ...opt('retryAfterSeconds', num('retryAfterSeconds')),
    ...opt('skewSeconds', num('skewSeconds')),
    ...opt('code', typeof input.code === 'string' ? input.code : undefined),
    ...opt('message', typeof input.message === 'string' ? input.message : undefined),
  } as FaultSpec;
}
