/**
 * RGBA image ↔ the pack's square R×R frame. Coordinates are continuous pixels (pixel i covers
 * [i, i + 1)); the mapping is exact: frame = source · scale + offset.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** Straight (not premultiplied) 8-bit RGBA, row-major, width·height·4 bytes. */
  data: Uint8Array | Uint8ClampedArray;
}

export interface FrameMapping {
  resolution: number;
  sourceWidth: number;
  sourceHeight: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

export type Fit = 'letterbox' | 'crop';

export interface FrameOptions {
  /** letterbox: the whole image, bands outside it (mask 0); crop: fill the frame, centred (default letterbox). */
  fit?: Fit;
  /** Colour under transparent pixels and in letterbox bands, 0–255 RGB (default white). */
  background?: [number, number, number];
  /** Pixel value range of the pack (default [-1, 1]): byte 0 → lo, 255 → hi. */
  pixelRange?: [number, number];
}

export interface Frame {
  /** [3, R, R] planar, in the pack's pixel range. */
  image: Float32Array;
  /** [R, R] weight in [0, 1]: how much of each frame pixel is opaque source (0 in bands and transparent areas). */
  mask: Float32Array;
  mapping: FrameMapping;
}

export function frameMapping(width: number, height: number, resolution: number, fit: Fit = 'letterbox'): FrameMapping {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`frame: image size must be positive integers, got ${width}×${height}`);
  }
  const scale = fit === 'crop' ? resolution / Math.min(width, height) : resolution / Math.max(width, height);
  return {
    resolution, sourceWidth: width, sourceHeight: height, scale,
    offsetX: (resolution - width * scale) / 2, offsetY: (resolution - height * scale) / 2,
  };
}

export function sourceToFrame(m: FrameMapping, x: number, y: number): [number, number] {
  return [x * m.scale + m.offsetX, y * m.scale + m.offsetY];
}

export function frameToSource(m: FrameMapping, u: number, v: number): [number, number] {
  return [(u - m.offsetX) / m.scale, (v - m.offsetY) / m.scale];
}

/** Overlap weights of frame cells [u, u+1) with source pixels, in frame-pixel area units (sum ≤ 1). */
function axisWeights(R: number, size: number, scale: number, offset: number): { index: Int32Array; weight: Float64Array; start: Int32Array } {
  const idx: number[] = [], w: number[] = [], start = new Int32Array(R + 1);
  for (let u = 0; u < R; u++) {
    start[u] = idx.length;
    const s0 = (u - offset) / scale, s1 = (u + 1 - offset) / scale;
    const a = Math.max(0, Math.floor(s0)), b = Math.min(size, Math.ceil(s1));
    for (let i = a; i < b; i++) {
      const o = Math.min(s1, i + 1) - Math.max(s0, i);
      if (o > 0) { idx.push(i); w.push(o * scale); }
    }
  }
  start[R] = idx.length;
  return { index: Int32Array.from(idx), weight: Float64Array.from(w), start };
}

/** Resamples `img` into the R×R frame by exact area averaging, compositing alpha over the background. */
export function toFrame(img: RgbaImage, resolution: number, options: FrameOptions = {}): Frame {
  const { fit = 'letterbox', background = [255, 255, 255], pixelRange = [-1, 1] } = options;
  if (img.data.length !== img.width * img.height * 4) {
    throw new Error(`frame: data has ${img.data.length} bytes, expected width·height·4 = ${img.width * img.height * 4}`);
  }
  const R = resolution;
  const m = frameMapping(img.width, img.height, R, fit);
  const ax = axisWeights(R, img.width, m.scale, m.offsetX);
  const ay = axisWeights(R, img.height, m.scale, m.offsetY);
  const image = new Float32Array(3 * R * R), mask = new Float32Array(R * R);
  const [lo, hi] = pixelRange;
  const k = (hi - lo) / 255;
  const W = img.width, d = img.data;
  for (let v = 0; v < R; v++) {
    for (let u = 0; u < R; u++) {
      let a = 0, r = 0, g = 0, b = 0;
      for (let p = ay.start[v]!; p < ay.start[v + 1]!; p++) {
        const row = ay.index[p]! * W, wy = ay.weight[p]!;
        for (let q = ax.start[u]!; q < ax.start[u + 1]!; q++) {
          const o = (row + ax.index[q]!) * 4;
          const wa = wy * ax.weight[q]! * (d[o + 3]! / 255);
          a += wa; r += wa * d[o]!; g += wa * d[o + 1]!; b += wa * d[o + 2]!;
        }
      }
      a = Math.min(1, a);
      const px = v * R + u;
      image[px] = lo + k * (r + (1 - a) * background[0]);
      image[R * R + px] = lo + k * (g + (1 - a) * background[1]);
      image[2 * R * R + px] = lo + k * (b + (1 - a) * background[2]);
      mask[px] = a;
    }
  }
  return { image, mask, mapping: m };
}

/** One planar [3, R, R] image (e.g. candidate b of a batch: `batch.subarray(b·3RR, (b+1)·3RR)`) → opaque RGBA bytes. */
export function planarToRgba(image: Float32Array, R: number, pixelRange: [number, number] = [-1, 1]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(R * R * 4);
  const [lo, hi] = pixelRange;
  const k = 255 / (hi - lo);
  for (let p = 0; p < R * R; p++) {
    out[p * 4] = Math.round((image[p]! - lo) * k);
    out[p * 4 + 1] = Math.round((image[R * R + p]! - lo) * k);
    out[p * 4 + 2] = Math.round((image[2 * R * R + p]! - lo) * k);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Tiles `images` (RGBA, each R×R) into a sheet `columns` wide with `gap` px of `background` between. */
export function contactSheet(images: Uint8ClampedArray[], R: number, columns: number, gap = 2, background = 255): RgbaImage {
  const cols = Math.max(1, Math.min(columns, images.length));
  const rows = Math.max(1, Math.ceil(images.length / cols));
  const width = cols * R + (cols - 1) * gap, height = rows * R + (rows - 1) * gap;
  const data = new Uint8ClampedArray(width * height * 4).fill(background);
  images.forEach((img, i) => {
    const x0 = (i % cols) * (R + gap), y0 = Math.floor(i / cols) * (R + gap);
    for (let y = 0; y < R; y++) data.set(img.subarray(y * R * 4, (y + 1) * R * 4), ((y0 + y) * width + x0) * 4);
  });
  return { width, height, data };
}
