/** Synthetic ground truth for the transfer tests: analytic textures, warps and colour changes. */

/** mulberry32: small seeded PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A smooth RGB texture as a function of continuous frame coordinates (pixel centre = i + 0.5). */
export type Texture = (x: number, y: number, out: number[]) => void;

/**
 * Sum of `waves` sinusoids per channel with wavelengths in [minWave, maxWave] frame px, random
 * orientation and phase; values stay in about [0.2, 0.8] so colour changes do not clip.
 */
export function sinusoidTexture(seed: number, minWave = 7, maxWave = 20, waves = 5): Texture {
  const r = rng(seed);
  const comps: { kx: number; ky: number; ph: number; amp: number }[][] = [];
  for (let c = 0; c < 3; c++) {
    const list = [];
    for (let k = 0; k < waves; k++) {
      const lam = minWave + (maxWave - minWave) * r(), th = 2 * Math.PI * r();
      list.push({ kx: (2 * Math.PI / lam) * Math.cos(th), ky: (2 * Math.PI / lam) * Math.sin(th), ph: 2 * Math.PI * r(), amp: 0.3 / waves * (0.6 + 0.8 * r()) });
    }
    comps.push(list);
  }
  return (x, y, out) => {
    for (let c = 0; c < 3; c++) {
      let v = 0.5;
      for (const q of comps[c]!) v += q.amp * Math.sin(q.kx * x + q.ky * y + q.ph);
      out[c] = v;
    }
  };
}

/** A backward map: where target pixel (x, y) comes from in the source (continuous coordinates). */
export type Warp = (x: number, y: number) => [number, number];

export const translation = (dx: number, dy: number): Warp => (x, y) => [x + dx, y + dy];

export function rotation(deg: number, cx: number, cy: number): Warp {
  const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  return (x, y) => [cx + c * (x - cx) - s * (y - cy), cy + s * (x - cx) + c * (y - cy)];
}

/** Radial bulge: displacement peaks at `peak` px at distance sigma from the centre. */
export function bulge(cx: number, cy: number, sigma: number, peak: number): Warp {
  const k = peak / (sigma * Math.exp(-0.5));
  return (x, y) => {
    const dx = x - cx, dy = y - cy;
    const g = k * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    return [x - g * dx, y - g * dy];
  };
}

/** 3×4 affine colour map (row-major) as a function of position (for spatially varying changes). */
export type ColourMap = (x: number, y: number) => number[];
export const constantColour = (m: number[]): ColourMap => () => m;
export const IDENTITY_COLOUR = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];

/** Renders texture ∘ warp, recoloured, into a planar [3, R, R] frame in [0, 1]. */
export function renderFrame(tex: Texture, R: number, warp: Warp = (x, y) => [x, y], colour: ColourMap = constantColour(IDENTITY_COLOUR)): Float32Array {
  const out = new Float32Array(3 * R * R), c = [0, 0, 0];
  for (let y = 0; y < R; y++) {
    for (let x = 0; x < R; x++) {
      const [sx, sy] = warp(x + 0.5, y + 0.5);
      tex(sx, sy, c);
      const m = colour(x + 0.5, y + 0.5), i = y * R + x;
      for (let k = 0; k < 3; k++) out[k * R * R + i] = m[4 * k]! * c[0]! + m[4 * k + 1]! * c[1]! + m[4 * k + 2]! * c[2]! + m[4 * k + 3]!;
    }
  }
  return out;
}

/** Mean end-point error of an estimated flow against the warp, over pixels at least `margin` from the border. */
export function meanEpe(fx: Float32Array, fy: Float32Array, R: number, warp: Warp, margin: number): number {
  let s = 0, cnt = 0;
  for (let y = margin; y < R - margin; y++) {
    for (let x = margin; x < R - margin; x++) {
      const [sx, sy] = warp(x + 0.5, y + 0.5), i = y * R + x;
      s += Math.hypot(fx[i]! - (sx - x - 0.5), fy[i]! - (sy - y - 0.5));
      cnt++;
    }
  }
  return s / cnt;
}

/** RMSE between two planar [3, R, R] images over the interior, in [0, 1] units. */
export function interiorRmse(a: Float32Array, b: Float32Array, R: number, margin: number): number {
  let s = 0, cnt = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = margin; y < R - margin; y++) {
      for (let x = margin; x < R - margin; x++) {
        const i = c * R * R + y * R + x, d = a[i]! - b[i]!;
        s += d * d;
        cnt++;
      }
    }
  }
  return Math.sqrt(s / cnt);
}

/** A W×H straight-RGBA layer painted pixel by pixel: `paint` gives an opaque colour, or null for clear. */
export function paintLayer(W: number, H: number, paint: (x: number, y: number) => readonly number[] | null): Uint8ClampedArray {
  const d = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const c = paint(x, y), i = 4 * (y * W + x);
    if (c) { d[i] = c[0]!; d[i + 1] = c[1]!; d[i + 2] = c[2]!; d[i + 3] = 255; }
  }
  return d;
}
