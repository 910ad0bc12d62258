// Packaging honesty for every public package, run on the built output (after `pnpm build`):
// publint, @arethetypeswrong/cli (ESM-only profile), and a smoke test that loads each package
// with `import` and with `require` (Node >= 20.19 loads ES modules from require).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = {
  core: [
    'TRADE_STATES',
    'canTransition',
    'transition',
    'isTerminal',
    'awaitFinalState',
    'createMigrationClient',
    'WxPayError',
  ],
  'v2-xml': [
    'createV2Client',
    'buildSignString',
    'buildAcknowledgement',
    'createNodeNotificationHandler',
    'createWebNotificationHandler',
  ],
  'v3-json': [
    'createV3Client',
    'buildRequestMessage',
    'buildAcknowledgement',
    'createNodeNotificationHandler',
    'createWebNotificationHandler',
  ],
  simulator: ['startSimulator', 'createCertificate'],
  tracker: ['createTracker', 'readTracker', 'createMemoryBackend'],
  cli: ['main', 'COMMANDS', 'runDemo'],
};

let failed = 0;
function step(name, fn) {
  try {
    fn();
    console.log(`ok    ${name}`);
  } catch (error) {
    failed++;
    console.log(
      `FAIL  ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? error.message)}`,
    );
  }
}
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  }).toString();

// `node` arguments that load `bindings` ([variable, specifier] pairs) with ESM `import()` or
// with `require()`, then run the script `check` on them.
const loadWith = {
  import: (bindings, check) => [
    '--input-type=module',
    '-e',
    `${bindings.map(([v, s]) => `const ${v} = await import('${s}');`).join(' ')} ${check}`,
  ],
  require: (bindings, check) => [
    '--no-warnings',
    '-e',
    `${bindings.map(([v, s]) => `const ${v} = require('${s}');`).join(' ')} ${check}`,
  ],
};
const LOADERS = ['import', 'require'];

for (const [dir, names] of Object.entries(packages)) {
  const cwd = `${root}packages/${dir}`;
  const name = `@wxpay/${dir}`;
  step(`${name} publint`, () => {
    const out = run('pnpm', ['exec', 'publint', '--strict'], cwd);
    if (!/All good/.test(out)) throw new Error(out);
  });
  step(`${name} attw (esm-only profile)`, () =>
    run('pnpm', ['exec', 'attw', '--pack', '.', '--profile', 'esm-only'], cwd),
  );
  // Loaded from packages/cli, which depends on every other package, exactly as a user would.
  const probe = `const missing = ${JSON.stringify(names)}.filter((n) => !(n in m)); if (missing.length) { console.error('missing exports: ' + missing); process.exit(1); }`;
  for (const how of LOADERS) {
    step(`${name} ${how}()`, () =>
      run('node', loadWith[how]([['m', name]], probe), `${root}packages/cli`),
    );
  }
}
step('@wxpay/simulator/testing subpath (import and require)', () => {
  const check =
    "if (typeof m.verifyV3Answer !== 'function' || typeof m.RejectionRecorder !== 'function') process.exit(1);";
  for (const how of LOADERS) {
    run(
      'node',
      loadWith[how]([['m', '@wxpay/simulator/testing']], check),
      `${root}packages/v2-xml`,
    );
  }
});
step('@wxpay/simulator/contract subpath', () =>
  run(
    'node',
    loadWith.import(
      [['m', '@wxpay/simulator/contract']],
      'if (!m.describePaymentClientContract) process.exit(1);',
    ),
    `${root}packages/v2-xml`,
  ),
);
step('wxpay bin --help', () => {
  const out = run('node', ['dist/bin.js', '--help'], `${root}packages/cli`);
  if (!out.includes('wxpay demo') && !out.includes('demo')) throw new Error(out);
});

step('@wxpay/core/adapter subpath (import and require)', () => {
  const check =
    "if (typeof a.createTransport !== 'function' || a.withRetry !== c.withRetry) process.exit(1);";
  const bindings = [
    ['a', '@wxpay/core/adapter'],
    ['c', '@wxpay/core'],
  ];
  for (const how of LOADERS) run('node', loadWith[how](bindings, check), `${root}packages/v2-xml`);
});

// Every public package's tarball carries the repository's LICENSE (copied in by `prepack`):
// packed for real, then the file read back out of the tarball and compared with the root copy.
const license = readFileSync(`${root}LICENSE`, 'utf8');
for (const dir of readdirSync(`${root}packages`)) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8'));
  } catch {
    continue;
  }
  if (manifest.private) continue;
  step(`${manifest.name} tarball has LICENSE`, () => {
    const out = mkdtempSync(join(tmpdir(), 'wxpay-pack-'));
    try {
      run('pnpm', ['pack', '--pack-destination', out], `${root}packages/${dir}`);
      const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new Error('pnpm pack wrote no tarball');
      const packed = run('tar', ['-xzOf', join(out, tarball), 'package/LICENSE'], out);
      if (packed !== license) throw new Error('package/LICENSE differs from the root LICENSE');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

console.log(
  failed === 0 ? '\npackages: all checks passed' : `\npackages: ${failed} check(s) failed`,
);
process.exit(failed === 0 ? 0 : 1);
