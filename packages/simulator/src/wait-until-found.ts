/**
 * Resolves with what `find` returns as soon as it returns something: checked at once, then
 * each time the owner of `wakeups` calls its functions after a change. Rejects with
 * `no <what> within <timeoutMs> ms` when nothing turned up in time.
 */
export function waitUntilFound<T>(
  find: () => T | undefined,
  wakeups: Set<() => void>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const found = find();
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const check = () => {
      const hit = find();
      if (hit === undefined) return;
      clearTimeout(timer);
      wakeups.delete(check);
      resolve(hit);
    };
    const timer = setTimeout(() => {
      wakeups.delete(check);
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    wakeups.add(check);
  });
}
