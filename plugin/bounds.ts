/** Axis-aligned boxes of (possibly rotated) layers, in page coordinates. */
import type { Box } from './placement';
import type { Transform } from './host';

/** The page-space bounding box of a w×h layer under `t` (rotation included). */
export function transformedBox(t: Transform, width: number, height: number): Box {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [u, v] of [
    [0, 0],
    [width, 0],
    [0, height],
    [width, height],
  ]) {
    xs.push(t[0][0] * u + t[0][1] * v + t[0][2]);
    ys.push(t[1][0] * u + t[1][1] * v + t[1][2]);
  }
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
