/**
 * The original layer seen at frame resolution: for each of the R×R frame cells, the mean colour
 * of the layer pixels whose centres fall in it (alpha-weighted, so clear pixels lend no colour)
 * and how much of the cell the layer covers with opaque pixels. Subsampled to at most ~8×8
 * samples a cell: it only has to tell regions of different colour apart.
 */
import type { FrameMapping } from './frame-mapping.js';
import type { RgbaImage } from './types.js';

export interface LayerFrame {
  /** [3, R, R] colours in [0, 1]. */
  colour: Float32Array;
  /** [R, R] mean alpha over the cell's samples, 0 outside the layer. */
  coverage: Float32Array;
}

export function layerFrame(original: RgbaImage, mapping: FrameMapping): LayerFrame {
  const R = mapping.resolution, N = R * R, { data } = original;
  const perCell = 1 / mapping.scale; // layer px per frame px
  const stride = Math.max(1, Math.floor(perCell / 8));
  const sum = new Float64Array(3 * N), alpha = new Float64Array(N), count = new Float64Array(N);
  forEachFrameSample(original, mapping, stride, (p, q) => {
    const a = data[p + 3]! / 255;
    sum[q] += a * data[p]!; sum[N + q] += a * data[p + 1]!; sum[2 * N + q] += a * data[p + 2]!;
    alpha[q] += a; count[q]++;
  });
  const colour = new Float32Array(3 * N), coverage = new Float32Array(N);
  for (let q = 0; q < N; q++) {
    coverage[q] = count[q] ? alpha[q]! / count[q]! : 0;
    if (alpha[q]! > 0) for (let c = 0; c < 3; c++) colour[c * N + q] = sum[c * N + q]! / alpha[q]! / 255;
  }
  return { colour, coverage };
}

/** Visits every `stride`-th pixel of the layer (in both directions) whose centre falls inside the
 * frame: `p` its RGBA offset in the layer's data, `q` its frame cell (v·R + u). The sampling every
 * layer → frame statistic shares. */
export function forEachFrameSample(original: RgbaImage, mapping: FrameMapping, stride: number, visit: (p: number, q: number) => void): void {
  const R = mapping.resolution, { width: W, height: H } = original;
  for (let y = stride >> 1; y < H; y += stride) {
    const v = Math.floor((y + 0.5) * mapping.scale + mapping.offsetY);
    if (v < 0 || v >= R) continue;
    for (let x = stride >> 1; x < W; x += stride) {
      const u = Math.floor((x + 0.5) * mapping.scale + mapping.offsetX);
      if (u < 0 || u >= R) continue;
      visit((y * W + x) * 4, v * R + u);
    }
  }
}
