/**
 * Issue 17: the panel's preview is the transfer rendered at the canvas's size from the same
 * prepared fields as Apply. Rendered at a smaller `outputSize`, it matches the full-size result
 * brought to that size by area averaging (what the designer would see of the applied layer),
 * within 2/255 RMSE: for a warp with a colour change, a colour stroke and a code-style edit.
 */
import { describe, expect, it } from 'vitest';
import { areaDownscale, fitWithin } from '../../engine/transfer/area-downscale.js';
import { fitMapping, type FrameMapping } from '../../engine/transfer/frame-mapping.js';
import { strokePaint } from '../../engine/transfer/stroke-paint.js';
import { prepareTransferAsync } from '../../engine/transfer/prepare-transfer.js';
import { renderTransferAsync } from '../../engine/transfer/render-transfer.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { TransferInput } from '../../engine/transfer/transfer-input.js';
import type { RgbaImage } from '../../engine/transfer/types.js';
import { bulge, renderFrame, sinusoidTexture, type Texture } from './synthetic.js';

const R = 64;

function drawOriginal(tex: Texture, W: number, H: number, m: FrameMapping): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4), c = [0, 0, 0];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    tex(m.scale * (x + 0.5) + m.offsetX, m.scale * (y + 0.5) + m.offsetY, c);
    data.set([255 * c[0]!, 255 * c[1]!, 255 * c[2]!, 255], (y * W + x) * 4);
  }
  return { width: W, height: H, data };
}

function rmse(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i]! - b.data[i]!) ** 2;
  return Math.sqrt(s / a.data.length);
}

/** The preview (prepared once, rendered at ≤ 360 a side) against the applied layer scaled down. */
async function compare(input: TransferInput, frame?: number): Promise<{ preview: number; edit: number }> {
  const K = input.frames.length - 1, k = frame ?? K;
  const applied = await transferEditAsync(input, { pixelRange: [0, 1], allFrames: true });
  const full = applied.frames![k - 1]!;
  const prepared = await prepareTransferAsync(input, { pixelRange: [0, 1] });
  const size = fitWithin(input.original.width, input.original.height, 360);
  const [preview] = await renderTransferAsync(prepared, input.original, [k], { outputSize: size });
  expect([preview!.width, preview!.height]).toEqual([size.width, size.height]);
  const want = areaDownscale(full, size.width, size.height);
  const r = { preview: rmse(preview!, want), edit: rmse(areaDownscale(input.original, size.width, size.height), want) };
  console.log(`${input.original.width}×${input.original.height} → ${size.width}×${size.height}, frame ${k}/${K}: preview RMSE ${r.preview.toFixed(3)}/255 (the edit itself: ${r.edit.toFixed(1)}/255)`);
  return r;
}

describe('areaDownscale', () => {
  it('averages the pixels each output pixel covers, in premultiplied alpha', () => {
    const img: RgbaImage = { width: 4, height: 2, data: new Uint8ClampedArray([
      255, 0, 0, 255, 0, 0, 255, 0, 10, 10, 10, 255, 30, 30, 30, 255,
      255, 0, 0, 255, 0, 0, 255, 0, 10, 10, 10, 255, 30, 30, 30, 255,
    ]) };
    const out = areaDownscale(img, 2, 1);
    // left: a clear blue pixel lends no colour, only half the alpha; right: the mean grey
    expect(Array.from(out.data)).toEqual([255, 0, 0, 128, 20, 20, 20, 255]);
    expect(() => areaDownscale(img, 5, 1)).toThrow(/only shrinks/);
  });

  it('fits a size within a longest side, keeping the aspect', () => {
    expect(fitWithin(1024, 640, 360)).toEqual({ width: 360, height: 225 });
    expect(fitWithin(256, 256, 360)).toEqual({ width: 256, height: 256 });
  });
});

describe('the transfer rendered at the preview size', () => {
  it('matches the applied layer scaled down for a warp with a colour change (every frame of the sequence)', async () => {
    const W = 1024, H = 640, m = fitMapping(W, H, R), K = 4, tex = sinusoidTexture(8);
    const colourAt = (t: number): number[] => [1 + 0.2 * t, 0.05 * t, 0, -0.04 * t, 0, 1 - 0.15 * t, 0.1 * t, 0.02 * t, 0.05 * t, 0, 1, 0.03 * t];
    const frames = Array.from({ length: K + 1 }, (_, k) => renderFrame(tex, R, bulge(30, 33, 8, (3 * k) / K), () => colourAt(k / K)));
    const input = { frames, original: drawOriginal(tex, W, H, m), mapping: m };
    for (const k of [2, K]) {
      const r = await compare(input, k);
      expect(r.edit, 'the edit itself is large').toBeGreaterThan(5);
      expect(r.preview, `frame ${k}`).toBeLessThanOrEqual(2);
    }
  }, 120_000);

  it('matches for a colour stroke (the recolour) and for a code-style edit carried where it is strong', async () => {
    const N = 1000, m = fitMapping(N, N, R), BG = [250, 210, 215], SHIRT = [90, 190, 90], PAINT: [number, number, number] = [40, 90, 200];
    const k = N / R, data = new Uint8ClampedArray(N * N * 4);
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      // a shirt disc with an antialiased rim (2×2 supersampled)
      let a = 0;
      for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) if (Math.hypot((x + (i + 0.5) / 2) / k - 32, (y + (j + 0.5) / 2) / k - 46) <= 12) a += 0.25;
      data.set([0, 1, 2].map((c) => Math.round(a * SHIRT[c]! + (1 - a) * BG[c]!)).concat(255), (y * N + x) * 4);
    }
    const original: RgbaImage = { width: N, height: N, data };
    const f0 = new Float32Array(3 * R * R), f1 = new Float32Array(3 * R * R);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, d = Math.hypot(x + 0.5 - 32, y + 0.5 - 46);
      for (let c = 0; c < 3; c++) {
        f0[c * R * R + p] = (d <= 12 ? SHIRT[c]! : BG[c]!) / 255;
        f1[c * R * R + p] = (d <= 13 ? (SHIRT[c]! + PAINT[c]!) / 2 : BG[c]!) / 255;
      }
    }
    const frames = [f0, f0.map((v, i) => (v + f1[i]!) / 2), f1];
    const stroke = { kind: 'color' as const, points: [[28, 46], [36, 46]] as [number, number][], width: 4, color: PAINT };
    const colour = await compare({ frames, original, mapping: m, ...strokePaint([stroke], R) });
    expect(colour.edit).toBeGreaterThan(5);
    expect(colour.preview).toBeLessThanOrEqual(2);
    const code = await compare({ frames, original, mapping: m, ...strokePaint([], R) });
    expect(code.edit).toBeGreaterThan(5);
    expect(code.preview).toBeLessThanOrEqual(2);
    // a colour code's edit carried as a colour stroke, its old colour one the shirt is a shade of (the plan's main colour drawn nowhere)
    const named = await compare({ frames, original, mapping: m, painted: null, whole: 'strong', colours: [PAINT], coloursBefore: [[60, 150, 60]], colourStroke: true });
    expect(named.edit).toBeGreaterThan(5);
    expect(named.preview).toBeLessThanOrEqual(2);
  }, 120_000);
});
