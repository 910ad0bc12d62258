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

/** A byte stream (not object mode) nobody has read yet: what `IncomingMessage` is. */
function byteStream(options: { objectMode?: boolean } = {}): Readable {
  return new Readable({ objectMode: options.objectMode ?? false, read() {} });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('readNotificationBody on node streams: the listener path and the streams it leaves to for await', () => {
  it('reads a fresh byte stream to the same bytes, split anywhere, also inside a character', async () => {
    const multi = Buffer.from('<xml><body><![CDATA[支付成功 héllo]]></body></xml>');
    for (let cut = 1; cut < multi.length; cut += 7) {
      const stream = byteStream();
      stream.push(multi.subarray(0, cut));
      stream.push(multi.subarray(cut));
      stream.push(null);
      expect(Buffer.from((await readNotificationBody(stream, 1024)) as Uint8Array)).toEqual(multi);
    }
    // Decoded chunks (a stream with an encoding set) come back as the same UTF-8 bytes.
    const decoded = byteStream();
    decoded.setEncoding('utf8');
    decoded.push(multi.subarray(0, 22));
    decoded.push(multi.subarray(22));
    decoded.push(null);
    expect(Buffer.from((await readNotificationBody(decoded, 1024)) as Uint8Array)).toEqual(multi);
  });

  it('refuses one byte over the cap on a byte stream and destroys it (the upload is not read on)', async () => {
    const stream = byteStream();
    stream.push(bytes());
    stream.push(Buffer.from('x'));
    stream.push(null);
    const error = await rejection(readNotificationBody(stream, bytes().length));
    expect(NotificationTooLargeError.isInstance(error)).toBe(true);
    expect((error as NotificationTooLargeError).limitBytes).toBe(bytes().length);
    expect(stream.destroyed).toBe(true);
  });

  // Each failure is raised the same way by the listener path (byte streams) and by for await
  // (object-mode streams, which the listener path leaves alone).
  it.each([false, true])(
    'an error or a close before the end rejects alike (object mode %s)',
    async (objectMode) => {
      const broken = byteStream({ objectMode });
      broken.push(bytes());
      setImmediate(() => broken.destroy(new Error('connection reset')));
      expect(((await rejection(readNotificationBody(broken, 1024))) as Error).message).toBe(
        'connection reset',
      );
      const cut = byteStream({ objectMode });
      cut.push(bytes());
      setImmediate(() => cut.destroy());
      const error = (await rejection(readNotificationBody(cut, 1024))) as Error & { code?: string };
      expect(error.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
      expect(MalformedMessageError.isInstance(error)).toBe(false);
    },
  );

  it('streams already ended, destroyed or read from go through for await, as before', async () => {
    const ended = byteStream();
    ended.push(bytes());
    ended.push(null);
    ended.resume();
    await new Promise((resolve) => ended.on('end', resolve));
    expect((await readNotificationBody(ended, 1024)).length).toBe(0);

    const destroyed = byteStream();
    destroyed.destroy();
    const error = (await rejection(readNotificationBody(destroyed, 1024))) as { code?: string };
    expect(error.code).toBe('ERR_STREAM_PREMATURE_CLOSE');

    // Someone else is already consuming it: only what arrives from now on is read.
    const flowing = byteStream();
    flowing.on('data', () => {});
    flowing.push(Buffer.from('<xml>'));
    await nextTurn();
    setImmediate(() => {
      flowing.push(Buffer.from('</xml>'));
      flowing.push(null);
    });
    const rest = await readNotificationBody(flowing, 1024);
    expect(Buffer.from(rest as Uint8Array).toString()).toBe('</xml>');
  });
});
