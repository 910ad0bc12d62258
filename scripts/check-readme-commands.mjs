// Runs every command the root README shows, in order, in a fresh clone of the current commit,
// so a README command cannot silently break. CI runs it (.ci/run).
//
//   node scripts/check-readme-commands.mjs [--list] [--require "pnpm build" …] [--keep]
//
// What counts as a command: each line of a ```sh block, minus a trailing `# comment`.
//   - `# … exit code N` in the comment: the command must exit with N (an error shown on purpose).
//   - a line ending in `&` starts in the background; the next line runs once it has printed its
//     first line, and it is stopped when the run ends.
//   - a command shown twice runs once.
// Not run: the install (the clone is installed first, with the lockfile), and `bash .ci/run`
// (CI itself, which runs this script). `pnpm bench` runs with `--quick`: CI smoke-tests the
// benchmarks; their numbers mean nothing on a shared CI machine.
// --require names commands CI depends on (build, typecheck, lint, test, docs …): the check
// fails if the README stops showing one, rather than CI silently skipping it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const COMMAND_TIMEOUT_MS = 15 * 60_000;
const BACKGROUND_START_TIMEOUT_MS = 60_000;
const SETUP = 'pnpm install';
const NOT_RUN = new Map([
  [SETUP, 'the clone is installed first, with --frozen-lockfile'],
  ['bash .ci/run', 'CI itself, which runs this check'],
]);
const ADJUSTED = new Map([['pnpm bench', 'pnpm bench --quick']]);

/** The commands of every ```sh block of `markdown`, in order (pure). */
export function extractCommands(markdown) {
  const commands = [];
  let inSh = false;
  let pending = '';
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence) {
      inSh = !inSh && fence[1] === 'sh';
      continue;
    }
    if (!inSh) continue;
    const joined = pending + line.trim();
    if (joined.endsWith('\\')) {
      pending = `${joined.slice(0, -1)} `;
      continue;
    }
    pending = '';
    if (joined === '' || joined.startsWith('#')) continue;
    const comment = /\s+#\s.*$/.exec(joined);
    const text = (comment ? joined.slice(0, comment.index) : joined).trim();
    const expected = /exit code (\d+)/.exec(comment?.[0] ?? '');
    const background = text.endsWith(' &');
    commands.push({
      text: background ? text.slice(0, -2).trim() : text,
      background,
      expectedExit: expected ? Number(expected[1]) : 0,
    });
  }
  return commands;
}

function parseArgs(argv) {
  const options = { list: false, keep: false, require: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--list') options.list = true;
    else if (argv[i] === '--keep') options.keep = true;
    else if (argv[i] === '--require') options.require.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

/** Starts `command` with sh in its own process group (so it can be stopped with its children). */
function spawnSh(command, cwd) {
  return spawn('sh', ['-c', command], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    detached: true,
  });
}

/** Runs one command with sh; resolves with its exit code and output. */
function run(command, cwd) {
  return new Promise((resolve) => {
    const child = spawnSh(command, cwd);
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (output.length > 2_000_000) output = output.slice(-1_000_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(timed out after ${COMMAND_TIMEOUT_MS / 60_000} min)`;
      kill(child);
    }, COMMAND_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** Starts a background command; resolves once it has printed a line (or failed to start). */
function start(command, cwd) {
  return new Promise((resolve) => {
    const child = spawnSh(command, cwd);
    let output = '';
    let settled = false;
    const settle = (ok) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, ok, output });
    };
    const timer = setTimeout(() => settle(false), BACKGROUND_START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) settle(true);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', () => settle(false));
  });
}

function kill(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const commands = extractCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  const shown = new Set(commands.map((c) => c.text));
  const missing = options.require.filter((r) => !shown.has(r));
  if (missing.length > 0) {
    console.error(`README.md no longer shows: ${missing.join(', ')} (CI depends on them)`);
    process.exit(1);
  }
  if (options.list) {
    for (const c of commands) {
      const note = NOT_RUN.has(c.text) ? `  (not run: ${NOT_RUN.get(c.text)})` : '';
      console.log(`${c.background ? '& ' : ''}${ADJUSTED.get(c.text) ?? c.text}${note}`);
    }
    return;
  }
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root }).toString().trim();
  if (dirty) console.log('note: uncommitted changes are not part of the fresh clone');
  const clone = mkdtempSync(join(tmpdir(), 'wxpay-readme-'));
  const background = [];
  let failed = 0;
  try {
    execFileSync('git', ['clone', '--quiet', root, clone]);
    console.log(
      `fresh clone of ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim()}`,
    );
    const setup = await run(`${SETUP} --frozen-lockfile`, clone);
    if (setup.code !== 0) {
      console.log(`FAIL  ${SETUP} --frozen-lockfile\n${tail(setup.output)}`);
      process.exit(1);
    }
    console.log(`ok    ${SETUP} --frozen-lockfile`);
    const done = new Set();
    for (const c of commands) {
      if (NOT_RUN.has(c.text)) {
        console.log(`skip  ${c.text}  (${NOT_RUN.get(c.text)})`);
        continue;
      }
      if (done.has(c.text)) continue;
      done.add(c.text);
      const text = ADJUSTED.get(c.text) ?? c.text;
      const started = performance.now();
      if (c.background) {
        const b = await start(text, clone);
        background.push(b.child);
        if (!b.ok) failed++;
        console.log(
          `${b.ok ? 'ok  ' : 'FAIL'}  ${text} &  (started)${b.ok ? '' : `\n${tail(b.output)}`}`,
        );
        continue;
      }
      const result = await run(text, clone);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const ok = result.code === c.expectedExit;
      if (!ok) failed++;
      const exit = c.expectedExit === 0 ? '' : `, exit ${result.code} as shown`;
      console.log(
        ok
          ? `ok    ${text}  (${seconds} s${exit})`
          : `FAIL  ${text}  (exit ${result.code}, expected ${c.expectedExit}, ${seconds} s)\n${tail(result.output)}`,
      );
    }
  } finally {
    for (const child of background) kill(child);
    if (!options.keep) rmSync(clone, { recursive: true, force: true, maxRetries: 3 });
    else console.log(`clone kept at ${clone}`);
  }
  console.log(failed === 0 ? 'README commands: all ok' : `README commands: ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
