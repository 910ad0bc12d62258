// Module hooks that let a plain `node` child process run the workspace's TypeScript sources,
// as vitest does for the tests themselves: `@wxpay/<pkg>` resolves to packages/<pkg>/src, a
// relative `./x.js` import resolves to `./x.ts`, and `.ts` files are transpiled on load.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, next) {
  // `@wxpay/core` → src/index.ts; a subpath `@wxpay/core/adapter` → src/adapter.ts or
  // src/adapter/index.ts, as the root vitest.config.ts aliases them.
  const pkg = /^@wxpay\/([a-z0-9-]+)(?:\/([a-z0-9-]+))?$/.exec(specifier);
  if (pkg) {
    const [, name, sub] = pkg;
    const candidates = sub ? [`${sub}.ts`, `${sub}/index.ts`] : ['index.ts'];
    for (const file of candidates) {
      const url = new URL(`packages/${name}/src/${file}`, root);
      if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
    }
  }
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  if (relative && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
