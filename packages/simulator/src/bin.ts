#!/usr/bin/env node
import { runSimulatorCli } from './run-cli.js';

const stopRequested = new Promise<string>((resolve) => {
  process.once('SIGINT', () => resolve('SIGINT'));
  process.once('SIGTERM', () => resolve('SIGTERM'));
});

runSimulatorCli({
  argv: process.argv.slice(2),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stopRequested,
}).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `wxpay-simulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
