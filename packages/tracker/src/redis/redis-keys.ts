import type { TrackingPhase } from '../types.js';

/** The Redis keys of the tracker's own state (BullMQ keeps its keys under `<prefix>:tracker`). */
export function redisKeys(prefix: string) {
  const base = `${prefix}:tracker-state`;
  return {
    item: (id: string) => `${base}:item:${id}`,
    inbox: (id: string) => `${base}:inbox:${id}`,
    phase: (phase: TrackingPhase) => `${base}:phase:${phase}`,
    paidOn: (day: string) => `${base}:paid-on:${day}`,
    refundedOn: (day: string) => `${base}:refunded-on:${day}`,
  };
}

/** BullMQ job id of an item: ids hold a `:`, which BullMQ reserves. */
export const jobIdOf = (id: string): string => id.replace(':', '-');
