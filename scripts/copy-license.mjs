// Copies the repository's LICENSE into the package being packed (run from a package directory
// by its `prepack` script), so every published tarball carries the licence text while the
// repository keeps one source. The copies are ignored by git.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../LICENSE', import.meta.url));
copyFileSync(source, join(process.cwd(), 'LICENSE'));
