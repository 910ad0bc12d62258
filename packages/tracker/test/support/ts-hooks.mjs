// Module hooks that let a plain `node` child process run the workspace's TypeScript sources,
// as vitest does for the tests themselves: `@wxpay/<pkg>` resolves to packages/<pkg>/src, a
// relative `./x.js` import resolves to `./x.ts`, and `.ts` files are transpiled on load.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const pkg = /^@wxpay\/([a-z0-9-]+)$/.exec(specifier);
  if (pkg)
    return { url: new URL(`packages/${pkg[1]}/src/index.ts`, root).href, shortCircuit: true };
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
