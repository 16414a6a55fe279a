/**
 * What the transfer needs to know of the strokes that made an edit, in one call for every caller
 * (the panel's worker, the CLI, the benchmarks): where they painted, whether they only recoloured,
 * and which colour they painted.
 */
import { paintKind, paintedCoverage, rasterizeStrokes } from '../brushes/rasterize.js';
import type { Stroke } from '../brushes/strokes.js';

export interface StrokePaint {
  painted: Float32Array | null;
  paintKind: 'recolour' | 'shape';
  paintColour: Float32Array | null;
  /** Each colour stroke's points: the part under where a stroke starts is the one it recolours. */
  colourPaths: [number, number][][] | null;
  /** For a code-slider edit (no strokes): carry only the generator's strong change. */
  whole: 'all' | 'strong';
}

/** No strokes: nothing painted (a code-slider edit, carried whole). */
export function strokePaint(strokes: readonly Stroke[], R: number): StrokePaint {
  if (!strokes.length) return { painted: null, paintKind: 'shape', paintColour: null, colourPaths: null, whole: 'strong' };
  const kind = paintKind(strokes);
  return {
    painted: paintedCoverage(strokes, R),
    paintKind: kind,
    paintColour: kind === 'recolour' ? rasterizeStrokes(strokes, R, { pixelRange: [0, 1] }).colorTarget : null,
    colourPaths: kind === 'recolour' ? strokes.flatMap((s) => (s.kind === 'color' ? [s.points.map(([x, y]) => [x, y] as [number, number])] : [])) : null,
    whole: 'strong',
  };
}
