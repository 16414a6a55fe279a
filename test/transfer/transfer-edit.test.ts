import { describe, expect, it } from 'vitest';
import { fitMapping, type FrameMapping } from '../../engine/transfer/frame-mapping.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { RgbaImage, TransferProgress } from '../../engine/transfer/types.js';
import { bulge, renderFrame, sinusoidTexture, type Texture } from './synthetic.js';

const R = 64;

/** The texture (defined in frame coordinates) drawn at the original's resolution through the mapping. */
function drawOriginal(tex: Texture, W: number, H: number, m: FrameMapping, alpha: (x: number, y: number) => number = () => 255): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4), c = [0, 0, 0];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      tex(m.scale * (x + 0.5) + m.offsetX, m.scale * (y + 0.5) + m.offsetY, c);
      data.set([255 * c[0]!, 255 * c[1]!, 255 * c[2]!, alpha(x, y)], (y * W + x) * 4);
    }
  }
  return { width: W, height: H, data };
}

/** Mean of a planar frame over 16×16 blocks of an RGBA image (an exact 1024 → 64 projection). */
function blockFrame(img: RgbaImage): Float32Array {
  const k = img.width / R, out = new Float32Array(3 * R * R);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = Math.floor(y / k) * R + Math.floor(x / k), p = (y * img.width + x) * 4;
      for (let c = 0; c < 3; c++) out[c * R * R + i] += img.data[p + c]! / 255 / (k * k);
    }
  }
  return out;
}

describe('transferEditAsync', () => {
  it('leaves the original unchanged under the identity edit (colour and alpha within 1/255)', async () => {
    const W = 300, H = 190, m = fitMapping(W, H, R);
    const tex = sinusoidTexture(3, 3, 9);
    const original = drawOriginal(tex, W, H, m, (x, y) => (x * 7 + y * 3) % 256);
    const frame = renderFrame(sinusoidTexture(4), R);
    const { final } = await transferEditAsync({ frames: [frame, frame, frame, frame], original, mapping: m }, { pixelRange: [0, 1] });
    let worst = 0;
    for (let p = 0; p < W * H * 4; p++) {
      const a = original.data[p - (p % 4) + 3]!;
      if (p % 4 !== 3 && a === 0) continue; // colour under a fully clear pixel is undefined
      worst = Math.max(worst, Math.abs(final.data[p]! - original.data[p]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('carries a bulge and a colour change onto a higher-resolution original (letterboxed, non-square)', async () => {
    const W = 320, H = 200, m = fitMapping(W, H, R), K = 4;
    const tex = sinusoidTexture(8);
    const colourAt = (t: number): number[] => [1 + 0.2 * t, 0.05 * t, 0, -0.04 * t, 0, 1 - 0.15 * t, 0.1 * t, 0.02 * t, 0.05 * t, 0, 1, 0.03 * t];
    const warpAt = (t: number) => bulge(30, 33, 8, 3 * t);
    const frames = Array.from({ length: K + 1 }, (_, k) => renderFrame(tex, R, warpAt(k / K), () => colourAt(k / K)));
    const original = drawOriginal(tex, W, H, m);
    const { final, frames: all } = await transferEditAsync({ frames, original, mapping: m }, { pixelRange: [0, 1], allFrames: true });
    expect(all).toHaveLength(K);
    expect(all![K - 1]!.data).toEqual(final.data);
    // ground truth: colour_K · texture(warp_K(frame position)), compared inside the covered area
    const c = [0, 0, 0], A = colourAt(1), warp = warpAt(1);
    let s = 0, sBefore = 0, n = 0;
    for (let y = 0; y < H; y++) {
      const Y = m.scale * (y + 0.5) + m.offsetY;
      if (Y < 8 || Y > R - 8) continue;
      for (let x = 0; x < W; x++) {
        const X = m.scale * (x + 0.5) + m.offsetX;
        if (X < 8 || X > R - 8) continue;
        const [sx, sy] = warp(X, Y);
        tex(sx, sy, c);
        for (let k = 0; k < 3; k++) {
          const want = 255 * (A[4 * k]! * c[0]! + A[4 * k + 1]! * c[1]! + A[4 * k + 2]! * c[2]! + A[4 * k + 3]!);
          const p = (y * W + x) * 4 + k;
          s += (final.data[p]! - want) ** 2;
          sBefore += (original.data[p]! - want) ** 2;
          n++;
        }
      }
    }
    const rmse = Math.sqrt(s / n);
    expect(Math.sqrt(sBefore / n)).toBeGreaterThan(15); // the edit is large…
    expect(rmse).toBeLessThanOrEqual(2); // …and carried over within 2/255
  });

  it('keeps a colour change on its side of a sharp edge of the original (1024², no more than a few px of bleed)', async () => {
    const N = 1024, edge = 500, m = fitMapping(N, N, R), K = 4;
    const P = [200, 60, 50], Q = [40, 90, 200], P2 = [60, 170, 70];
    const draw = (left: number[]): RgbaImage => {
      const data = new Uint8ClampedArray(N * N * 4);
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          const t = 6 * Math.sin(x * 0.05) * Math.sin(y * 0.043); // a little texture on both sides
          const col = x < edge ? left : Q;
          data.set([col[0]! + t, col[1]! - t, col[2]! + t, 255], (y * N + x) * 4);
        }
      }
      return { width: N, height: N, data };
    };
    const original = draw(P), edited = draw(P2);
    const f0 = blockFrame(original), f1 = blockFrame(edited);
    const frames = Array.from({ length: K + 1 }, (_, k) => f0.map((v, i) => v + (k / K) * (f1[i]! - v)));
    const { final } = await transferEditAsync({ frames, original, mapping: m }, { pixelRange: [0, 1] });
    // farthest column (from the edge) that still differs from the expected result by more than 2/255
    let bleedRight = 0, bleedLeft = 0;
    for (let y = 64; y < N - 64; y += 7) {
      for (let x = 64; x < N - 64; x++) {
        const p = (y * N + x) * 4, want = x < edge ? edited.data : original.data;
        const err = Math.max(...[0, 1, 2].map((c) => Math.abs(final.data[p + c]! - want[p + c]!)));
        if (err > 2) {
          if (x >= edge) bleedRight = Math.max(bleedRight, x - edge + 1);
          else bleedLeft = Math.max(bleedLeft, edge - x);
        }
      }
    }
    expect(bleedRight).toBeLessThanOrEqual(4);
    expect(bleedLeft).toBeLessThanOrEqual(4);
  }, 60_000);

  it('stops when aborted: rejects with an AbortError and reports no further progress', async () => {
    const m = fitMapping(256, 256, R), tex = sinusoidTexture(2);
    const frames = Array.from({ length: 9 }, (_, k) => renderFrame(tex, R, bulge(32, 32, 10, k / 4)));
    const original = drawOriginal(tex, 256, 256, m);
    const ac = new AbortController();
    const events: TransferProgress[] = [];
    let afterAbort = 0;
    const run = transferEditAsync({ frames, original, mapping: m }, {
      pixelRange: [0, 1],
      signal: ac.signal,
      onProgress: (p) => {
        if (ac.signal.aborted) afterAbort++;
        events.push(p);
        // abort from outside the callback, as a Worker's message handler would
        if (events.length === 2) setTimeout(() => ac.abort(), 0);
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(afterAbort).toBe(0);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.length).toBeLessThan(8); // 8 pairs to estimate: it stopped early
    const settled = events.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(events.length).toBe(settled);
  });

  it('reports monotone progress ending at 1', async () => {
    const m = fitMapping(200, 100, R), frame = renderFrame(sinusoidTexture(1), R);
    const original = drawOriginal(sinusoidTexture(1), 200, 100, m);
    const fr: number[] = [];
    await transferEditAsync({ frames: [frame, frame, frame], original, mapping: m }, { pixelRange: [0, 1], onProgress: (p) => fr.push(p.fraction) });
    expect(fr.length).toBeGreaterThan(2);
    for (let i = 1; i < fr.length; i++) expect(fr[i]!).toBeGreaterThanOrEqual(fr[i - 1]!);
    expect(fr[fr.length - 1]).toBeCloseTo(1, 6);
  });

  it('rejects bad input, naming the argument and the allowed range', async () => {
    const m = fitMapping(10, 10, R), frame = new Float32Array(3 * R * R);
    const original: RgbaImage = { width: 10, height: 10, data: new Uint8ClampedArray(400) };
    await expect(transferEditAsync({ frames: [frame, new Float32Array(5)], original, mapping: m })).rejects.toThrow(/frames\[1\] must be \[3, 64, 64\]/);
    await expect(transferEditAsync({ frames: [frame], original: { ...original, width: 5000 }, mapping: m })).rejects.toThrow(/1…4096/);
    await expect(transferEditAsync({ frames: [frame], original: { ...original, data: new Uint8ClampedArray(3) }, mapping: m })).rejects.toThrow(/400 bytes/);
  });
});
