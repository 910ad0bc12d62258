// Writes src/version.ts from package.json, so the User-Agent and `wxpay --version` always carry
// the version that is being built and published. Runs as the first half of each package's
// `build` (and after `changeset version`); rewrites the file only when the version changed, so
// an unchanged package keeps its build cache. A test checks the committed file against
// package.json, so a bump without a build cannot ship a stale version either.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSIONED = ['v2-xml', 'v3-json', 'cli'];

/** The text of src/version.ts for a package.json. */
export function versionSource(pkg) {
  return `// Generated from package.json by scripts/write-version.mjs during the build; do not edit.

/** The version of ${pkg.name}, taken from its package.json at build time. */
export const VERSION = '${pkg.version}';
`;
}

function write(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = join(dir, 'src', 'version.ts');
  const text = versionSource(pkg);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
  console.log(`${pkg.name}: src/version.ts → ${pkg.version}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--all')) {
    const root = fileURLToPath(new URL('..', import.meta.url));
    for (const name of VERSIONED) write(join(root, 'packages', name));
  } else write(process.cwd());
}
