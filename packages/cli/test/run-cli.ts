import { Readable } from 'node:stream';
import { main } from '../src/main.js';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `wxpay <argv>` in-process with captured output, the given stdin and environment. */
export async function runCli(
  argv: readonly string[],
  options: {
    stdin?: string | Buffer;
    env?: Record<string, string | undefined>;
    interrupted?: Promise<void>;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    interrupted: options.interrupted ?? new Promise(() => {}),
  });
  return { code, stdout, stderr };
}
