import type { Constraints, Point, Stroke } from './strokes.js';

export interface RasterizeOptions {
  /** Pack pixel range (default [-1, 1]). */
  pixelRange?: [number, number];
  /** Extra radius (frame px) of the edge mask around sketch strokes (default R/16, i.e. 4 px at 64). */
  sketchDilation?: number;
}

/** Distance from (x, y) to the polyline. A single point is a dot. */
function polylineDistance(points: Point[], x: number, y: number): number {
  let best = Infinity;
  if (points.length === 1) return Math.hypot(x - points[0]![0], y - points[0]![1]);
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!, [bx, by] = points[i + 1]!;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/** Antialiased coverage [R·R] of a polyline of `radius` (pixel centres at i + 0.5; a one-pixel soft edge). */
export function polylineCoverage(points: Point[], radius: number, R: number): Float32Array {
  const cov = new Float32Array(R * R);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of points) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  const pad = radius + 1;
  const u0 = Math.max(0, Math.floor(x0 - pad)), u1 = Math.min(R - 1, Math.ceil(x1 + pad));
  const v0 = Math.max(0, Math.floor(y0 - pad)), v1 = Math.min(R - 1, Math.ceil(y1 + pad));
  for (let v = v0; v <= v1; v++) {
    for (let u = u0; u <= u1; u++) {
      const d = polylineDistance(points, u + 0.5, v + 0.5);
      cov[v * R + u] = Math.max(0, Math.min(1, radius + 0.5 - d));
    }
  }
  return cov;
}

/** Grows coverage by `radius` px (max over a disc), keeping soft values. */
export function dilate(cov: Float32Array, R: number, radius: number): Float32Array {
  const out = new Float32Array(R * R);
  const r = Math.ceil(radius);
  for (let v = 0; v < R; v++) {
    for (let u = 0; u < R; u++) {
      const c = cov[v * R + u]!;
      if (c <= 0) continue;
      for (let dv = -r; dv <= r; dv++) {
        const vv = v + dv;
        if (vv < 0 || vv >= R) continue;
        for (let du = -r; du <= r; du++) {
          const uu = u + du;
          if (uu < 0 || uu >= R) continue;
          const fall = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(du, dv)));
          const val = c * fall;
          if (val > out[vv * R + uu]!) out[vv * R + uu] = val;
        }
      }
    }
  }
  return out;
}

function bilinear(img: Float32Array, R: number, c: number, x: number, y: number): number {
  // (x, y) continuous; pixel centres at i + 0.5; clamped at the borders.
  const fx = Math.max(0, Math.min(R - 1, x - 0.5)), fy = Math.max(0, Math.min(R - 1, y - 0.5));
  const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(R - 1, x0 + 1), y1 = Math.min(R - 1, y0 + 1);
  const ax = fx - x0, ay = fy - y0, o = c * R * R;
  return (1 - ay) * ((1 - ax) * img[o + y0 * R + x0]! + ax * img[o + y0 * R + x1]!) +
    ay * ((1 - ax) * img[o + y1 * R + x0]! + ax * img[o + y1 * R + x1]!);
}

/**
 * Turns strokes (applied in order) into the editStep's constraint tensors. Colour strokes paint the
 * colour target and its mask; sketch strokes draw black-on-white ink into the edge target with the mask
 * dilated around them; a warp copies a disc of its source image from `from` to `to` into both targets;
 * the eraser clears the masks painted before it.
 */
export function rasterizeStrokes(strokes: readonly Stroke[], R: number, options: RasterizeOptions = {}): Constraints {
  const [lo, hi] = options.pixelRange ?? [-1, 1];
  const dil = options.sketchDilation ?? R / 16;
  const N = R * R;
  const colorTarget = new Float32Array(3 * N), colorMask = new Float32Array(N);
  const edgeTarget = new Float32Array(3 * N).fill(hi), edgeMask = new Float32Array(N);
  const toPix = (byte: number): number => lo + ((hi - lo) * byte) / 255;
  const ink = (cov: Float32Array): void => {
    const mask = dilate(cov, R, dil);
    for (let p = 0; p < N; p++) {
      const c = cov[p]!;
      if (c > 0) for (let ch = 0; ch < 3; ch++) edgeTarget[ch * N + p] = edgeTarget[ch * N + p]! * (1 - c) + lo * c;
      edgeMask[p] = Math.max(edgeMask[p]!, mask[p]!);
    }
  };
  for (const s of strokes) {
    switch (s.kind) {
      case 'color': {
        const cov = polylineCoverage(s.points, s.width / 2, R);
        const col = s.color.map(toPix);
        for (let p = 0; p < N; p++) {
          const c = cov[p]!;
          if (c <= 0) continue;
          for (let ch = 0; ch < 3; ch++) colorTarget[ch * N + p] = colorTarget[ch * N + p]! * (1 - c) + col[ch]! * c;
          colorMask[p] = Math.max(colorMask[p]!, c);
        }
        break;
      }
      case 'sketch':
        ink(polylineCoverage(s.points, s.width / 2, R));
        break;
      case 'sketch-raster':
        ink(s.ink);
        break;
      case 'warp': {
        if (!s.source) throw new Error('warp stroke has no source image: add it through the engine (which grabs the current result) or set source');
        const dx = s.to[0] - s.from[0], dy = s.to[1] - s.from[1];
        // The edge target gets the moved patch a little wider than the mask, so HOG cells at the
        // rim see the patch's own edges rather than the patch border against white.
        const inner = polylineCoverage([s.to], s.radius, R);
        const outer = polylineCoverage([s.to], s.radius + R / 8, R);
        for (let p = 0; p < N; p++) {
          const co = outer[p]!;
          if (co <= 0) continue;
          const x = (p % R) + 0.5 - dx, y = Math.floor(p / R) + 0.5 - dy;
          const ci = inner[p]!;
          for (let ch = 0; ch < 3; ch++) {
            const val = bilinear(s.source, R, ch, x, y);
            edgeTarget[ch * N + p] = edgeTarget[ch * N + p]! * (1 - co) + val * co;
            if (ci > 0) colorTarget[ch * N + p] = colorTarget[ch * N + p]! * (1 - ci) + val * ci;
          }
          colorMask[p] = Math.max(colorMask[p]!, ci);
          edgeMask[p] = Math.max(edgeMask[p]!, ci);
        }
        break;
      }
      case 'eraser': {
        const cov = polylineCoverage(s.points, s.width / 2, R);
        for (let p = 0; p < N; p++) {
          const c = cov[p]!;
          if (c <= 0) continue;
          colorMask[p] = colorMask[p]! * (1 - c);
          edgeMask[p] = edgeMask[p]! * (1 - c);
          for (let ch = 0; ch < 3; ch++) edgeTarget[ch * N + p] = edgeTarget[ch * N + p]! * (1 - c) + hi * c;
        }
        break;
      }
    }
  }
  return { colorTarget, colorMask, edgeTarget, edgeMask };
}

/**
 * Where the strokes paint, [R·R] coverage in [0, 1], without their targets (so warp strokes need
 * no source image): colour and sketch lines, both discs of a warp (what moved and where it went),
 * minus what the eraser cleared. The edit transfer grows its region from this.
 */
export function paintedCoverage(strokes: readonly Stroke[], R: number): Float32Array {
  const out = new Float32Array(R * R);
  const add = (cov: Float32Array): void => { for (let p = 0; p < cov.length; p++) if (cov[p]! > out[p]!) out[p] = cov[p]!; };
  for (const s of strokes) {
    switch (s.kind) {
      case 'color':
      case 'sketch':
        add(polylineCoverage(s.points, s.width / 2, R));
        break;
      case 'sketch-raster':
        add(s.ink);
        break;
      case 'warp':
        add(polylineCoverage([s.from], s.radius, R));
        add(polylineCoverage([s.to], s.radius, R));
        break;
      case 'eraser': {
        const cov = polylineCoverage(s.points, s.width / 2, R);
        for (let p = 0; p < out.length; p++) out[p] = out[p]! * (1 - cov[p]!);
        break;
      }
    }
  }
  return out;
}

/** 'recolour' when the strokes only paint colour (and erase): the transfer then keeps to the colours painted over; else 'shape'. */
export function paintKind(strokes: readonly Stroke[]): 'recolour' | 'shape' {
  return strokes.every((s) => s.kind === 'color' || s.kind === 'eraser') ? 'recolour' : 'shape';
}
