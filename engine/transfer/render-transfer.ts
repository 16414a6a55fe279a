/**
 * A prepared transfer (prepare-transfer.ts) drawn onto the layer: at its size (Apply) or smaller
 * (the panel's preview of Apply), in bands of rows between which it yields to stay interruptible.
 */
import { midField, midGrid } from './full-res-field.js';
import { renderRows, rowRenderer } from './render-rows.js';
import { confineChange } from './edit-region.js';
import { areaDownscale } from './area-downscale.js';
import { DEFAULT_INSERT_OPTIONS, insertRows, relandPalette } from './insert-content.js';
import { snapTones } from './snap-tones.js';
import { removeFragments } from './leftover-fragments.js';
import { drawMissedShapes } from './missed-shapes.js';
import { clearOrphanEdges } from './orphan-edges.js';
import { recolourRows, recolourScaledRows } from './recolour.js';
import { insertionAt } from './frame-insertions.js';
import { checkpoint } from './checkpoint.js';
import type { PreparedTransfer } from './prepare-transfer.js';
import type { RgbaImage } from './types.js';

export interface RenderOptions {
  /**
   * Render at this size instead of the original's (≤ its size, any aspect close to its own): the
   * original is area-averaged to it first (`areaDownscale`, or pass that image as `scaled` to reuse
   * it) and the same fields are applied there, so only the output's pixels are rendered.
   */
  outputSize?: { width: number; height: number };
  /** The original already brought to `outputSize` (areaDownscale): saves doing it again per frame. */
  scaled?: RgbaImage;
  onRows?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * The original transformed by the change 0→k of a prepared transfer, for each k in `frames`
 * (1…K; K is the whole edit), at the original's size or at `outputSize`.
 */
export async function renderTransferAsync(prepared: PreparedTransfer, original: RgbaImage, frames: readonly number[], options: RenderOptions = {}): Promise<RgbaImage[]> {
  const { K, changes, region, plan, support, fullRes } = prepared;
  const { signal } = options;
  for (const k of frames) if (!(Number.isInteger(k) && k >= Math.min(1, K) && k <= K)) throw new RangeError(`renderTransfer: frames must be 1…${K}, got ${k}`);
  const size = options.outputSize;
  const smaller = size && (size.width < original.width || size.height < original.height);
  const source = smaller ? (options.scaled ?? areaDownscale(original, size.width, size.height)) : original;
  if (smaller && (source.width !== size.width || source.height !== size.height)) throw new RangeError(`renderTransfer: scaled must be ${size.width}×${size.height}, got ${source.width}×${source.height}`);
  // the frame mapping of the smaller image: its pixels are (original / output) times larger
  const mapping = smaller ? { ...prepared.mapping, scale: prepared.mapping.scale * (original.width / source.width) } : prepared.mapping;
  await checkpoint(signal);
  const grid = plan ? null : midGrid(source, mapping, fullRes);
  const rendered: RgbaImage[] = [];
  const { width: W, height: H } = source;
  const band = Math.max(1, Math.floor(262144 / W)); // ~256k pixels between checkpoints
  const totalRows = H * frames.length;
  for (let t = 0; t < frames.length; t++) {
    await checkpoint(signal);
    const k = frames[t]!, change = changes[Math.max(0, k - 1)]!;
    const amount = K > 0 ? k / K : 1;
    const insertion = insertionAt(prepared, k, original);
    const planes = grid ? midField(region ? confineChange(change, region) : change, mapping, grid, fullRes.outside, support) : null;
    const rr = grid ? rowRenderer(source, grid, planes!) : null;
    // snapping needs the whole carried layer (each tone's changes), and the layer moved without its colour change.
    // Only the whole edit (k = K) is snapped: a sequence's in-between frames are meant to be in between, and a
    // half-way tone snapped at the preview's size can land on the other side of the half-way mark than at
    // full size (the canvas would not show what Apply writes).
    const snap = rr && prepared.snap && k === K ? { moved: rowRenderer(source, grid!, flowOnly(planes!)), rows: new Uint8ClampedArray(W * H * 4) } : null;
    const out = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y += band) {
      if (y > 0) await checkpoint(signal);
      const y1 = Math.min(H, y + band);
      if (rr) renderRows(rr, out, y, y1);
      else if (smaller) recolourScaledRows(original, prepared.mapping, plan!, amount, source, out, y, y1);
      else recolourRows(source, mapping, plan!, amount, out, y, y1);
      if (snap) renderRows(snap.moved, snap.rows, y, y1);
      else if (insertion) insertRows(insertion, mapping, out, W, y, y1);
      if (!signal?.aborted) options.onRows?.(t * H + y1, totalRows);
    }
    if (snap) {
      await checkpoint(signal);
      const landings = snapTones(out, snap.rows, W, H, prepared.snap!.tones, prepared.snap!.options, prepared.snap!.named);
      if (insertion) insertRows(relandPalette(insertion, landings, 255 * (prepared.insert?.sure ?? DEFAULT_INSERT_OPTIONS.sure)), mapping, out, W, 0, H);
      if (prepared.fragments) removeFragments(out, source.data, W, H, prepared.snap!.tones, prepared.unit[K]!, mapping, prepared.fragments);
      if (prepared.missedShapes) drawMissedShapes(out, source.data, W, H, prepared.snap!.tones, prepared.unit[0]!, prepared.unit[K]!, mapping, prepared.missedShapes);
      if (prepared.orphanEdges) clearOrphanEdges(out, source.data, W, H, prepared.orphanEdges);
    }
    rendered.push({ width: W, height: H, data: out });
  }
  return rendered;
}

/** Mid-grid planes with the colour model set to the identity: the flow alone. */
function flowOnly(planes: Float32Array): Float32Array {
  const n = planes.length / 14, out = planes.slice();
  for (let c = 2; c < 14; c++) out.fill(c === 2 || c === 7 || c === 12 ? 1 : 0, c * n, (c + 1) * n);
  return out;
}
