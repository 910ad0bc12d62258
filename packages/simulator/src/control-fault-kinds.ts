import type { FaultKind } from './faults.js';

/**
 * The fault kinds the control surface (`POST /__sim/faults`) accepts, and so the ones the
 * dashboard offers, which it reads from the overview: the kinds a JSON body can describe.
 * `rewrite` takes a function and `foreign-answer` the answer to impersonate, so both stay with
 * the in-process API. The first is the dashboard's preselected choice.
 */
export const CONTROL_FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'latency',
  'reset',
  'truncate',
  'bad-signature',
  'probe-signature',
  'unsigned',
  'skewed-timestamp',
  'unknown-key',
];
