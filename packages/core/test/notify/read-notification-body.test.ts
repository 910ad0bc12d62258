import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../src/errors.js';
import { NotificationTooLargeError } from '../../src/notify/notification-errors.js';
import { readNotificationBody } from '../../src/notify/read-notification-body.js';

const text = '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>';
const bytes = () => Buffer.from(text);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A Web stream of the chunks; `state.cancelled` tells whether the reader gave up on it. */
function webStream(chunks: Uint8Array[], state = { cancelled: false }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
}

describe('readNotificationBody', () => {
  it('keeps a string or bytes exactly as given', async () => {
    expect(await readNotificationBody(text, 1024)).toBe(text);
    const buffer = bytes();
    expect(await readNotificationBody(buffer, 1024)).toBe(buffer);
    const view = new Uint8Array(bytes());
    expect(await readNotificationBody(view, 1024)).toBe(view);
    const copy = await readNotificationBody(view.buffer, 1024);
    expect(Buffer.from(copy as Uint8Array).toString()).toBe(text);
  });

  it('reads a node stream and a Web stream to the same bytes, split anywhere', async () => {
    const parts = [bytes().subarray(0, 5), bytes().subarray(5, 6), bytes().subarray(6)];
    const fromNode = await readNotificationBody(Readable.from(parts), 1024);
    expect(Buffer.from(fromNode as Uint8Array).toString()).toBe(text);
    const fromWeb = await readNotificationBody(webStream(parts), 1024);
    expect(Buffer.from(fromWeb as Uint8Array).toString()).toBe(text);
  });

  it('applies one cap to every form: equal passes, one byte more is refused', async () => {
    const size = bytes().length;
    expect(await readNotificationBody(text, size)).toBe(text);
    for (const source of [text, bytes(), Readable.from([bytes()]), webStream([bytes()])]) {
      const error = await rejection(readNotificationBody(source, size - 1));
      expect(NotificationTooLargeError.isInstance(error)).toBe(true);
      expect(MalformedMessageError.isInstance(error)).toBe(true);
      expect((error as NotificationTooLargeError).limitBytes).toBe(size - 1);
    }
  });

  it('refuses an announced oversized body before reading it, and cancels a Web stream past the cap', async () => {
    let read = false;
    const untouched = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    const error = await rejection(readNotificationBody(untouched, 10, '11'));
    expect(NotificationTooLargeError.isInstance(error)).toBe(true);
    expect(read).toBe(false);
    const state = { cancelled: false };
    await rejection(readNotificationBody(webStream([bytes(), bytes()], state), bytes().length + 1));
    expect(state.cancelled).toBe(true);
  });

  it('an absent body is empty; a body a parser already turned into an object is refused, naming the cause', async () => {
    expect(await readNotificationBody(undefined, 10)).toEqual(new Uint8Array(0));
    expect(await readNotificationBody(null, 10)).toEqual(new Uint8Array(0));
    const error = await rejection(readNotificationBody({ id: 'EV' }, 1024));
    expect(MalformedMessageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('already parsed');
  });
});
