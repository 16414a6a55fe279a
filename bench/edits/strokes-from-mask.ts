/**
 * Colour strokes a designer would paint over a part, generated from the part's mask so the
 * benchmark is fair and repeatable: the longest horizontal run and the longest vertical run of
 * frame cells well inside the part (the brush stays inside it), in frame pixels.
 */
import type { Stroke } from '../../engine/brushes/strokes.js';
import type { FrameMapping } from '../../engine/transfer/index.js';

/** Fraction of each frame cell the (layer-resolution) mask covers. */
export function maskToFrame(mask: Uint8Array, width: number, height: number, m: FrameMapping): Float32Array {
  const R = m.resolution, sum = new Float32Array(R * R), cnt = new Float32Array(R * R);
  for (let y = 0; y < height; y++) {
    const v = Math.floor((y + 0.5) * m.scale + m.offsetY);
    if (v < 0 || v >= R) continue;
    for (let x = 0; x < width; x++) {
      const u = Math.floor((x + 0.5) * m.scale + m.offsetX);
      if (u < 0 || u >= R) continue;
      sum[v * R + u] += mask[y * width + x]!;
      cnt[v * R + u]++;
    }
  }
  for (let q = 0; q < R * R; q++) sum[q] = cnt[q] ? sum[q]! / cnt[q]! : 0;
  return sum;
}

/** Chebyshev distance (cells) from each cell to the nearest cell outside the part (coverage < 1). */
function insideDepth(cov: Float32Array, R: number): Int32Array {
  const d = new Int32Array(R * R);
  for (let q = 0; q < R * R; q++) d[q] = cov[q]! >= 0.999 ? 1 : 0;
  for (let k = 1; k < R; k++) {
    let grew = false;
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const q = y * R + x;
      if (d[q] !== k) continue;
      let ok = x > 0 && y > 0 && x < R - 1 && y < R - 1;
      for (let dy = -1; dy <= 1 && ok; dy++) for (let dx = -1; dx <= 1 && ok; dx++) if (d[q + dy * R + dx]! < k) ok = false;
      if (ok) { d[q] = k + 1; grew = true; }
    }
    if (!grew) break;
  }
  return d;
}

/** Up to two strokes (horizontal, then vertical) across the part; [] when the part is too thin or small to paint inside. */
export function strokesFromMask(cov: Float32Array, R: number, color: [number, number, number], maxWidth = 6): Stroke[] {
  const depth = insideDepth(cov, R);
  const strokes: Stroke[] = [];
  for (const axis of ['h', 'v'] as const) {
    // longest run of cells at depth ≥ 3 (a brush of width ≤ 2·depth − 1 stays inside)
    let best = { len: 0, a: 0, b: 0, line: 0, depth: 0 };
    for (let line = 0; line < R; line++) {
      let start = -1, minDepth = Infinity;
      for (let i = 0; i <= R; i++) {
        const q = axis === 'h' ? line * R + i : i * R + line;
        const ok = i < R && depth[q]! >= 3;
        if (ok) { if (start < 0) { start = i; minDepth = Infinity; } minDepth = Math.min(minDepth, depth[q]!); }
        else if (start >= 0) {
          if (i - start > best.len) best = { len: i - start, a: start, b: i - 1, line, depth: minDepth };
          start = -1;
        }
      }
    }
    if (best.len < 4) continue;
    const width = Math.min(maxWidth, 2 * best.depth - 2);
    const c = best.line + 0.5, a = best.a + 1.5, b = best.b - 0.5;
    strokes.push({ kind: 'color', points: axis === 'h' ? [[a, c], [b, c]] : [[c, a], [c, b]], width, color });
  }
  return strokes;
}
