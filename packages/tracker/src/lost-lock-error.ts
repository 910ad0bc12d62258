/**
 * A run's save was refused because the run no longer holds its item's lock: another worker has
 * taken the item over (this one was cut off or stalled past the lock's duration). The run must
 * end at once, without a callback or any other write; the item's record stays as the current
 * holder left it.
 */
export class LostLockError extends Error {
  override readonly name = 'LostLockError';
  /** The item whose save was refused. */
  readonly itemId: string;

  constructor(itemId: string) {
    super(`the run of ${itemId} lost its lock to another worker; its save was refused`);
    this.itemId = itemId;
  }
}

/** True for a {@link LostLockError} (a run that must stop without side effects). */
export const isLostLock = (error: unknown): error is LostLockError =>
  error instanceof LostLockError;
