import type { StoredOrder, StoredRefund, TrackedItem } from './items.js';
import type { TrackerSummary } from './types.js';

/** Something learnt about an item outside its own run: a notification, or a request to look now. */
export type Observation =
  | { readonly type: 'order'; readonly order: StoredOrder }
  | { readonly type: 'refund'; readonly refund: StoredRefund }
  | { readonly type: 'recheck' };

/**
 * Works on one item: reads `observations`, talks to WeChat Pay, persists progress with `save`
 * (so a delivered callback is recorded before anything else happens) and returns when to run
 * it again, or undefined when it needs no more work. A backend whose runs can be cut off makes
 * `save` throw a `LostLockError` once the run no longer holds the item; the runner then stops
 * at once and rethrows it, and the backend leaves the item to whoever holds it.
 */
export type ItemRunner = (
  item: TrackedItem,
  observations: readonly Observation[],
  save: (item: TrackedItem) => Promise<void>,
) => Promise<number | undefined>;

/**
 * Storage and scheduling of tracked items. A backend runs each item in at most one place at a
 * time; the tracker's logic (the runner) is the same for every backend.
 */
export interface TrackerBackend {
  /** Stores a new item due at `runAt` (ms). False, changing nothing, when the id exists. */
  insert(item: TrackedItem, runAt: number): Promise<boolean>;
  get(id: string): Promise<TrackedItem | undefined>;
  /** Several items at once, in order (one round trip where the store allows). */
  getMany(ids: readonly string[]): Promise<(TrackedItem | undefined)[]>;
  /** Forgets an item (its creation was refused). */
  remove(id: string): Promise<void>;
  /**
   * Queues an observation for the item and makes it due now. `known` is the item as the caller
   * has just read it, so a backend may skip reading it again.
   */
  observe(id: string, observation: Observation, known?: TrackedItem): Promise<void>;
  /** Starts running due items in this process. */
  start(runner: ItemRunner): Promise<void>;
  /** Stops taking work; resolves when the items being run have finished or been handed back. */
  stop(): Promise<void>;
  /** Releases connections (after {@link TrackerBackend.stop}). */
  close(): Promise<void>;
  summary(): Promise<TrackerSummary>;
  /** Ids of orders paid (successTime) on a Beijing day `YYYY-MM-DD`. */
  paidOn(day: string): AsyncIterable<string>;
  /** Ids of refunds that succeeded on a Beijing day `YYYY-MM-DD`. */
  refundedOn(day: string): AsyncIterable<string>;
}
