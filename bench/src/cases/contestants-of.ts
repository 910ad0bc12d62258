import type { Contestant } from '../harness.js';

/** One contestant of a case: its name, its operation, and what sets it apart (baseline, note). */
export type Entry<F> = readonly [name: string, operation: F, extra?: Partial<Contestant>];

/**
 * The contestants of one case. Every contestant of a case is run, checked and probed for
 * safety the same way, so `judge` says once how an operation becomes run/check/safety and
 * each case lists only who runs what.
 */
export function contestantsOf<F>(
  judge: (operation: F) => Omit<Contestant, 'name'>,
  entries: readonly Entry<F>[],
): Contestant[] {
  return entries.map(([name, operation, extra]) => ({ name, ...judge(operation), ...extra }));
}

/**
 * A safety probe: undefined when `attempt` throws (the bad input was refused), else the
 * `unsafe: …` label for the table.
 */
export async function refuses(attempt: () => unknown, unsafe: string): Promise<string | undefined> {
  try {
    await attempt();
  } catch {
    return undefined;
  }
  return unsafe;
}
