import { parseArgs } from 'node:util';
import { WxPayError } from '@wxpay/core';
import { CliError } from './cli-error.js';
import { COMMANDS, type Command } from './commands/index.js';
import { type CliIo, EXIT } from './io.js';
import { VERSION } from './version.js';

const USAGE = `wxpay — WeChat Pay (v2 XML and v3 JSON) from the command line

Usage: wxpay <command> [options]
       wxpay --version

Commands:
${'{commands}'}

Settings come from flags, then WXPAY_* environment variables, then a JSON file given by
--config (or WXPAY_CONFIG; paths in it are relative to the file). Secrets are read from files
(--api-key-file, --api-v3-key-file, --private-key-file) or from a mode-0600 config file such
as the one \`wxpay simulator\` writes, and never printed.

Global options:
  --json     machine-readable output
  --help     help for a command
  --version  print the version

Exit codes: 0 ok · 1 failure · 2 usage · 3 configuration · 4 WeChat Pay error
            5 signature/decryption/time-window failure · 6 network or timeout
`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return USAGE.replace('{commands}', lines);
}

/** Maps an error to an exit code and a one-line, secret-free message. */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (WxPayError.isInstance(error)) {
    const kinds = (error as WxPayError).name;
    const code = /Signature|Decryption/.test(kinds)
      ? EXIT.verification
      : /Config|Validation/.test(kinds)
        ? EXIT.config
        : /Connection|Timeout|Aborted/.test(kinds)
          ? EXIT.network
          : EXIT.api;
    // API errors state WeChat Pay's code, the Request-ID and what to check in their message.
    return { code, message: `${error.name}: ${error.message}` };
  }
  return { code: EXIT.failure, message: error instanceof Error ? error.message : String(error) };
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.stderr : io.stdout).write(usage());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write(`wxpay ${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`wxpay: unknown command '${argv.join(' ')}'\n\n${usage()}`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        ...command.options,
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr.write(`wxpay ${command.name}: ${(error as Error).message}\n\n${command.help}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(values, io);
  } catch (error) {
    const { code, message } = describeError(error);
    if (values.json)
      io.stdout.write(`${JSON.stringify({ ok: false, error: message, exitCode: code })}\n`);
    io.stderr.write(`wxpay ${command.name}: ${message}\n`);
    return code;
  }
}
