import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

// Tests run against the TypeScript sources, so `pnpm test` needs no build step.
// The built packages are exercised separately by the smoke test in packages/cli.
const alias = [
  { find: /^@wxpay\/core$/, replacement: src('core') },
  { find: /^@wxpay\/core\/adapter$/, replacement: src('core', 'adapter.ts') },
  { find: /^@wxpay\/v2-xml$/, replacement: src('v2-xml') },
  { find: /^@wxpay\/v3-json$/, replacement: src('v3-json') },
  { find: /^@wxpay\/simulator$/, replacement: src('simulator') },
  { find: /^@wxpay\/simulator\/contract$/, replacement: src('simulator', 'contract/index.ts') },
  { find: /^@wxpay\/simulator\/testing$/, replacement: src('simulator', 'testing/index.ts') },
  { find: /^@wxpay\/tracker$/, replacement: src('tracker') },
];

const project = (name: string, dir: string) => ({
  resolve: { alias },
  test: {
    name,
    root: fileURLToPath(new URL(`./${dir}`, import.meta.url)),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});

// CI (.ci/run) runs the README's `pnpm test` unchanged and asks here for a JSON report beside
// the usual output, for its summary line.
const report = process.env.WXPAY_TEST_REPORT;

export default defineConfig({
  test: {
    ...(report ? { reporters: ['default', 'json'], outputFile: { json: report } } : {}),
    projects: [
      project('core', 'packages/core'),
      project('v2-xml', 'packages/v2-xml'),
      project('v3-json', 'packages/v3-json'),
      project('simulator', 'packages/simulator'),
      project('cli', 'packages/cli'),
      project('tracker', 'packages/tracker'),
      {
        ...project('examples', 'examples'),
        test: { ...project('examples', 'examples').test, include: ['**/*.test.ts'] },
      },
    ],
  },
});
