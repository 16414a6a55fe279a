/**
 * One edit through the same engine path as the panel: z0 (the projection) → strokes (Adam on the
 * candidates, the best one) or a code change (the new z0) → 16 frames by slerp, rendered and
 * round-tripped through 8-bit RGBA as the panel's worker receives them → engine/transfer with
 * the paint coverage and kind the worker computes from the strokes.
 */
import type { Engine } from '../../engine/engine.js';
import { interpolateLatents } from '../../engine/ops/interpolate.js';
import { codeEditHints, readCodes } from '../../engine/latent/codes.js';
import { paintKind, paintedCoverage } from '../../engine/brushes/rasterize.js';
import type { Stroke } from '../../engine/brushes/strokes.js';
import type { FrameMapping, RgbaImage } from '../../engine/transfer/index.js';
import * as current from '../../engine/transfer/index.js';
import type { EditSpec } from './specs.js';

export const SEQUENCE_FRAMES = 16;

export interface EditRun { result: RgbaImage; z1: Float32Array; last: Float32Array; transferMs: number; frames: Float32Array[]; reshaped: boolean; colours: number[][]; coloursBefore: number[][]; colourStroke: boolean; backdrops: Backdrops | null }

/** TransferInput `backdrops` as the panel makes them: G(z1) over two of the background code's colours, in 8 bits (null: none). */
export interface Backdrops { frames: [Float32Array, Float32Array]; colours: [number[], number[]] }

export async function runEditAsync(engine: Engine, z0: Float32Array, original: RgbaImage, mapping: FrameMapping, spec: EditSpec): Promise<EditRun> {
  const L = engine.model.L, R = engine.model.R, n = 3 * R * R, range = engine.pack.pixelRange;
  await engine.startEditingAsync(z0);
  let z1: Float32Array;
  if (spec.strokes) {
    const u = await engine.edit.setStrokesAsync(spec.strokes);
    const best = u.order[0] ?? 0;
    z1 = u.z.slice(best * L, (best + 1) * L);
  } else {
    await engine.setCodeAsync(spec.code!);
    z1 = engine.edit.latent.slice();
  }
  const latents = interpolateLatents(z0, z1, SEQUENCE_FRAMES, engine.layout, { mode: 'slerp' });
  const images = await engine.renderAsync(latents);
  const frames = Array.from({ length: SEQUENCE_FRAMES }, (_, k) => quantise(images.subarray(k * n, (k + 1) * n), range));
  const strokes = spec.strokes ?? [];
  // as the panel: a code edit that moves a shape code (the pack's `changes`) is redrawn, not bent
  // and a colour code's new value is the colour it names
  const { reshaped, colours, coloursBefore, colourStroke } = spec.strokes ? { reshaped: false, colours: [], coloursBefore: [], colourStroke: false } : codeEditHints(readCodes(z0, engine.layout), readCodes(z1, engine.layout), engine.pack.latent.codes);
  // and, for a code edit, G(z1) over two backdrops (the transfer's matte of G's content on a transparent layer)
  const bd = spec.strokes ? null : await engine.backdropsAsync(z1);
  const backdrops: Backdrops | null = bd ? { frames: [quantise(bd.frames[0], range), quantise(bd.frames[1], range)], colours: bd.colours } : null;
  const t0 = performance.now();
  const r = await transfer.transferEditAsync({ frames, original, mapping, ...paint(strokes, R), reshaped, colours, coloursBefore, colourStroke, backdrops }, { pixelRange: range });
  return { result: r.final, z1, last: frames[SEQUENCE_FRAMES - 1]!, transferMs: performance.now() - t0, frames, reshaped, colours, coloursBefore, colourStroke, backdrops };
}

type TransferModule = Pick<typeof current, 'transferEditAsync'> & Partial<Pick<typeof current, 'strokePaint'>>;

/**
 * The transfer under test: engine/transfer, or (BENCH_EDITS_TRANSFER=<dir>/index.ts) another copy
 * of it, e.g. an older commit's, to score before and after a change in the same way.
 */
const transfer: TransferModule = process.env.BENCH_EDITS_TRANSFER ? await import(process.env.BENCH_EDITS_TRANSFER) : current;

/** What the panel's worker passes of the strokes (an older transfer without strokePaint: what its worker passed). */
function paint(strokes: Stroke[], R: number): object {
  if (transfer.strokePaint) return transfer.strokePaint(strokes, R);
  return { painted: strokes.length ? paintedCoverage(strokes, R) : null, paintKind: paintKind(strokes) };
}

/** To 8-bit and back, as the frames reach the panel's worker. */
function quantise(f: Float32Array, [lo, hi]: readonly [number, number]): Float32Array {
  const out = new Float32Array(f.length), k = 255 / (hi - lo);
  for (let i = 0; i < f.length; i++) out[i] = lo + Math.min(255, Math.max(0, Math.round((f[i]! - lo) * k))) / k;
  return out;
}
