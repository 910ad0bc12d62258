import type { ExpectedErrorClass } from './tally.js';

/**
 * Runs `run` and returns what it threw, checked to be an instance of `errorClass` (by the
 * class's `isInstance`, so a copy of the class from another bundle counts). Throws, and so fails
 * the test, when nothing is thrown or something else is.
 */
export function thrownBy<T>(
  errorClass: (abstract new (...args: never[]) => T) & ExpectedErrorClass,
  run: () => unknown,
): T {
  try {
    run();
  } catch (error) {
    if (!errorClass.isInstance(error)) {
      throw new Error(`expected a ${errorClass.name}, got ${String(error)}`);
    }
    return error as T;
  }
  throw new Error(`expected a ${errorClass.name}, nothing was thrown`);
}
