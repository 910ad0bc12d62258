import type { Order } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { OrderItem } from '../src/items.js';
import { observeOrder } from '../src/observe.js';
import { csvLines, yuanToFen } from '../src/reconcile/bill-lines.js';
import { DEFAULT_SCHEDULE, nextQueryAt, retryDelay } from '../src/schedule.js';

const item = (state: OrderItem['state']): OrderItem => ({
  type: 'order',
  id: 'order:X1',
  outTradeNo: 'X1',
  kind: 'native',
  createdAt: 0,
  expiresAt: 1,
  state,
  phase: 'open',
  queries: 0,
  failures: 0,
  delivered: [],
  attempts: {},
});
const order = (state: Order['state'], outTradeNo = 'X1'): Order => ({
  outTradeNo,
  state,
  amount: {},
  promotions: [],
  raw: {},
});

describe('observeOrder', () => {
  it('walks through states it never saw (NOTPAY → SUCCESS → REFUND)', () => {
    const i = item('NOTPAY');
    expect(observeOrder(i, order('REFUND'))).toBe(true);
    expect(i.state).toBe('REFUND');
  });
  it('ignores a late observation that cannot follow (SUCCESS after REFUND, SUCCESS after CLOSED)', () => {
    const refunded = item('REFUND');
    expect(observeOrder(refunded, order('SUCCESS'))).toBe(false);
    expect(refunded.state).toBe('REFUND');
    const closed = item('CLOSED');
    expect(observeOrder(closed, order('SUCCESS'))).toBe(false);
    expect(closed.state).toBe('CLOSED');
  });
  it('ignores an order with another number', () => {
    const i = item('NOTPAY');
    expect(observeOrder(i, order('SUCCESS', 'OTHER'))).toBe(false);
    expect(i.state).toBe('NOTPAY');
  });
});

describe('schedule', () => {
  const s = DEFAULT_SCHEDULE;
  it('queries every 10 s in the first minute, then every 30 s, never past the expiry', () => {
    const o = { createdAt: 0, expiresAt: 3_600_000, userPaying: false };
    expect(nextQueryAt(s, o, 5_000)).toBe(15_000);
    expect(nextQueryAt(s, o, 70_000)).toBe(100_000);
    expect(nextQueryAt(s, { ...o, expiresAt: 80_000 }, 70_000)).toBe(80_000);
    expect(nextQueryAt(s, { ...o, userPaying: true }, 70_000)).toBe(75_000);
  });
  it('backs off 1 s, 2 s, 4 s … up to 60 s', () => {
    expect([1, 2, 3, 7, 50].map((n) => retryDelay(s, n))).toEqual([
      1_000, 2_000, 4_000, 60_000, 60_000,
    ]);
  });
});

describe('bill reading', () => {
  it('parses yuan to fen exactly', () => {
    expect(['0.01', '12.3', '100', '-1.50', '19.99'].map(yuanToFen)).toEqual([
      1, 1230, 10_000, -150, 1999,
    ]);
    expect(yuanToFen('1.234')).toBeNaN();
    expect(yuanToFen('')).toBeNaN();
  });
  it('splits lines across chunk borders (even inside a UTF-8 character), drops the BOM and backticks', async () => {
    const text =
      '\ufeff交易时间,商户订单号\r\n`2024-01-01 10:00:00,`A1\r\n`2024-01-01 10:00:01,`A2\r\n';
    const bytes = Buffer.from(text, 'utf8');
    const chunks = [bytes.subarray(0, 4), bytes.subarray(4, 31), bytes.subarray(31)];
    let seen = 0;
    const lines: string[][] = [];
    for await (const cells of csvLines(chunks, (n) => (seen += n))) lines.push(cells);
    expect(lines).toEqual([
      ['交易时间', '商户订单号'],
      ['2024-01-01 10:00:00', 'A1'],
      ['2024-01-01 10:00:01', 'A2'],
    ]);
    expect(seen).toBe(bytes.length);
  });
});
