/** A ChangeField applied at frame resolution: out(x) = A(x)·[source(x + w(x)); 1] (source, out: [3, R, R], [0, 1]). */
import { applyColourModel } from './colour-model.js';
import { warpPlanes } from './sample.js';
import type { ChangeField } from './types.js';

export function applyChange(source: Float32Array, change: ChangeField): Float32Array {
  const R = change.size, n = R * R;
  if (source.length !== 3 * n) throw new RangeError(`applyChange: source must be [3, ${R}, ${R}] (${3 * n} values), got ${source.length}`);
  const warped = new Float32Array(3 * n);
  warpPlanes(source, 3, R, R, change.flowX, change.flowY, warped);
  return applyColourModel(change.colour, warped, n, new Float32Array(3 * n));
}
