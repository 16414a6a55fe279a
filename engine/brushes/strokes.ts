/** Brush strokes in frame coordinates (continuous pixels of the pack's R×R frame; pixel i covers [i, i + 1)). */
export type Point = [number, number];

export type Stroke =
  /** Paint `color` (0–255 RGB) along the polyline; `width` is the brush diameter in frame pixels. */
  | { kind: 'color'; points: Point[]; width: number; color: [number, number, number] }
  /** A sketch line (an edge constraint): drawn black on white into the edge target. */
  | { kind: 'sketch'; points: Point[]; width: number }
  /** A sketch given as ink coverage [R·R] in [0, 1] (e.g. from a strokes image). */
  | { kind: 'sketch-raster'; ink: Float32Array }
  /**
   * Grab the disc of `radius` at `from` of the current result and drop it at `to`: a colour and an edge
   * constraint there. `source` is the image grabbed from ([3, R, R]); the engine fills it in when the
   * stroke is added, so the warp stays put while the candidates change.
   */
  | { kind: 'warp'; from: Point; to: Point; radius: number; source?: Float32Array }
  /** Removes every constraint painted before it under the polyline. */
  | { kind: 'eraser'; points: Point[]; width: number };

export interface Constraints {
  colorTarget: Float32Array; // [1, 3, R, R]
  colorMask: Float32Array;   // [1, 1, R, R]
  edgeTarget: Float32Array;  // [1, 3, R, R]
  edgeMask: Float32Array;    // [1, 1, R, R]
}

/** Checks a stroke's fields; throws naming the field and its allowed range. */
export function validateStroke(s: Stroke, R: number, i = 0): void {
  const f = `strokes[${i}]`;
  const point = (p: unknown, name: string): void => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`${f}.${name} must be [x, y] finite numbers (frame pixels, 0–${R}), got ${JSON.stringify(p)}`);
    }
  };
  const positive = (v: unknown, name: string, max: number): void => {
    if (typeof v !== 'number' || !(v > 0 && v <= max)) throw new Error(`${f}.${name} must be a number in (0, ${max}], got ${String(v)}`);
  };
  switch (s.kind) {
    case 'color':
    case 'sketch':
    case 'eraser':
      if (!Array.isArray(s.points) || s.points.length === 0) throw new Error(`${f}.points must be a non-empty array of [x, y]`);
      s.points.forEach((p, j) => point(p, `points[${j}]`));
      positive(s.width, 'width', 4 * R);
      if (s.kind === 'color' && (!Array.isArray(s.color) || s.color.length !== 3 || s.color.some((c) => !(c >= 0 && c <= 255)))) {
        throw new Error(`${f}.color must be [r, g, b] with each in [0, 255], got ${JSON.stringify(s.color)}`);
      }
      return;
    case 'sketch-raster':
      if (!(s.ink instanceof Float32Array) || s.ink.length !== R * R) throw new Error(`${f}.ink must be a Float32Array of R·R = ${R * R} values`);
      return;
    case 'warp':
      point(s.from, 'from'); point(s.to, 'to'); positive(s.radius, 'radius', R);
      if (s.source !== undefined && (!(s.source instanceof Float32Array) || s.source.length !== 3 * R * R)) {
        throw new Error(`${f}.source must be a Float32Array of 3·R·R = ${3 * R * R} values`);
      }
      return;
    default:
      throw new Error(`${f}.kind must be color, sketch, sketch-raster, warp or eraser, got ${JSON.stringify((s as { kind: unknown }).kind)}`);
  }
}
