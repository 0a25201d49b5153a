/** Half of a deliberate import cycle: proves that `scripts/check-cycles.sh` can fail. */
import type { B } from './b.js';

/** Points at the other half. */
export interface A {
  b: B;
}
