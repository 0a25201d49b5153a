/** The other half of the deliberate import cycle of `scripts/check-cycles.sh`'s self-test. */
import type { A } from './a.js';

/** Points back at the first half. */
export interface B {
  a?: A;
}
