import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A forced full garbage collection for memory checks under load: `globalThis.gc` when Node runs
 * with `--expose-gc`, else the same function from a fresh context after setting the flag at run
 * time; `undefined` when neither works (the caller then allows a wider heap margin).
 */
export function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
