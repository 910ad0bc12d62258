import type { Readable } from 'node:stream';

/** Where a command reads and writes; injectable so tests run commands in-process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM); used by long-running commands. */
  readonly interrupted: Promise<void>;
}

/** Exit codes with a meaning scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** Something failed that has no more specific code (a demo step, an unexpected error). */
  failure: 1,
  /** The command line was wrong. */
  usage: 2,
  /** Configuration missing or invalid (a key file, a merchant id …). */
  config: 3,
  /** WeChat Pay answered with an error (not found, closed, invalid request …). */
  api: 4,
  /** A signature, a decryption or a time-window check failed. */
  verification: 5,
  /** Network failure or timeout; the outcome of a write is unknown. */
  network: 6,
} as const;

/** Reads a whole stream (stdin) into a buffer, bounded so a runaway pipe cannot exhaust memory. */
export async function readAll(stream: Readable, limitBytes = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limitBytes) throw new Error(`input exceeds ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}
