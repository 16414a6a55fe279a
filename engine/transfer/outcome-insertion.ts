/**
 * A code edit's new content judged on the edit as it comes out: the prepared transfer is rendered
 * small and compared with the generator's change, and what it misses (large-insertions.ts,
 * small-insertions.ts) is added to the insertion.
 */
import { areaDownscale } from './area-downscale.js';
import { layerFrame } from './layer-frame.js';
import { dilate1 } from './cell-groups.js';
import { insertionPlan, type InsertionPlan, type InsertOptions } from './insert-content.js';
import { clearColour, compositedMisses, DEFAULT_LARGE_INSERT_OPTIONS, largeInsertionCells, movedShapeCells, onTones, reshapedCells, reshapedCellsMatted, wholeParts, type LargeInsertOptions } from './large-insertions.js';
import { DEFAULT_SMALL_INSERT_OPTIONS, onLayerTones, outcomeMisses, recolouredToneCells, smallInsertionCells, type SmallInsertOptions } from './small-insertions.js';
import type { GeneratorMatte } from './generator-matte.js';
import type { PreparedTransfer } from './prepare-transfer.js';
import { renderTransferAsync } from './render-transfer.js';
import type { RgbaImage } from './types.js';

/**
 * The whole edit's insertion with the large and small new content it misses added (null: none
 * missed). Renders the prepared edit at ~4 layer px a frame cell (a quarter of a 512² layer's
 * pixels) and compares it, at frame resolution, with the generator's change.
 */
export async function outcomeInsertion(prepared: PreparedTransfer, original: RgbaImage, base: InsertionPlan | null, insert: Partial<InsertOptions>, so: Partial<SmallInsertOptions> | false, lo: Partial<LargeInsertOptions> | false, reshaped: boolean, matte: GeneratorMatte | null, kept: Uint8Array | null): Promise<{ plan: InsertionPlan; fieldCells: Float32Array; keep: Uint8Array | null } | null> {
  const { K, mapping, unit, changes } = prepared, R = mapping.resolution, N = R * R;
  const f = Math.max(1, Math.floor(1 / mapping.scale / 4));
  const size = { width: Math.max(1, Math.round(original.width / f)), height: Math.max(1, Math.round(original.height / f)) };
  const scaled = f > 1 ? areaDownscale(original, size.width, size.height) : original;
  const [out] = await renderTransferAsync(prepared, original, [K], f > 1 ? { outputSize: size, scaled } : {});
  const small = { ...mapping, scale: mapping.scale * (original.width / scaled.width) };
  const before = layerFrame(scaled, small), after = layerFrame(out!, small);
  // large: groups of missed new content in any colour, judged with the layer over G's background colour
  let drawn: Uint8Array | null = null, keep: Uint8Array | null = kept;
  if (lo !== false) {
    const opts = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...lo };
    const bg = clearColour(before, unit[0]!);
    const { miss, change } = compositedMisses(before, after, unit[0]!, unit[K]!, bg, opts);
    const found = largeInsertionCells(miss, change, R, opts);
    // and shapes of the layer G moved, which the carried edit bends toward their new place (a curly
    // outline shrunk where G draws a bob's straight edge) instead of drawing them there
    const tones01 = prepared.snap!.tones.map((t) => t.map((v) => v / 255));
    const moved = movedShapeCells(before, unit[K]!, change, tones01, bg, R, opts);
    // and, after a shape code's change, all that G changed. On a transparent layer only with G's own
    // matte: without it G paints clear as white, and new white content (a white beard) was drawn clear
    // (bench:edits, bench-2's beard 165 → 233 RMSE), while a cut needs the clear (pigtails gone)
    // (small faint groups: reshapedCellsMatted)
    const grow = opts.reshapeGrow.steps > 0 ? { miss, onTone: onTones(unit[K]!, tones01, R, opts.toneNear) } : undefined;
    const shaped = !reshaped ? null : !bg ? reshapedCells(change, R, opts, grow) : matte ? reshapedCellsMatted(change, R, opts, grow) : null;
    // and on an opaque layer the layer's shapes G changed for the most part, whole (an old mouth's outline)
    // (judged on the reshaped groups alone, not the cells grown onto them: an eye in the grown ring is no shape G changed)
    const whole = shaped && !bg ? wholeParts(shaped.map((v) => (v === 1 ? 1 : 0)), before, tones01, R, opts) : null;
    const reshapes = shaped && whole ? shaped.map((v, p) => (whole[p] ? 1 : v)) : shaped;   // reshapedParts, whole known
    // (2: a cell only grown onto a reshaped group, drawn only where G(z1) shows a colour of the palette)
    if (found || moved || reshapes) { drawn = new Uint8Array(N); for (let p = 0; p < N; p++) drawn[p] = found?.[p]! > 0 || moved?.[p]! > 0 ? 1 : reshapes?.[p] ?? 0; }
    // the layer keeps its pixels where G(z1) shows what it shows, except in the shapes drawn whole
    if (kept && whole) { keep = kept.slice(); for (let p = 0; p < N; p++) if (whole[p]) keep[p] = 0; }
  }
  // small: shapes of a few cells in the layer's own tones
  let fine: Uint8Array | null = null;
  if (so !== false) {
    const opts = { ...DEFAULT_SMALL_INSERT_OPTIONS, ...so };
    const { miss, change } = outcomeMisses(before, after, unit[0]!, unit[K]!, opts);
    // only where G(z1) rearranges the layer's own colours, and not on a tone the edit recoloured
    // the 16 most common (a textured layer has hundreds, and onLayerTones tries every pair)
    const tones = prepared.snap!.tones.slice(0, 16);
    const allowed = onLayerTones(unit[K]!, tones, R, opts.toneNear), recoloured = recolouredToneCells(before, after, tones, opts);
    // a recolour edit (a large tone changed as a whole: hair, skin, clothing) is left to snap-tones.ts:
    // bench:edits measured the hair colour rows 11 → 35 RMSE with small shapes drawn where the
    // generator's neck and hair ends were noisy. An eye edit may recolour the small eye tone whole.
    const found = recoloured.reduce((a, v) => a + v, 0) >= opts.recolouredArea ? null : smallInsertionCells(miss, change, R, opts, allowed);
    // two cells all round: the smoothed mask reaches half-way into the outer one, and the shape's
    // edge (and the old shape's, a thin line blurred to a faint change) must lie inside; these cells are drawn
    // wholly from G(z1), also inside a larger insertion (there its old content is what the outcome missed)
    if (found) { const grown = dilate1(dilate1(found, R), R); fine = new Uint8Array(N); for (let p = 0; p < N; p++) if (grown[p]! > 0) fine[p] = 1; }
  }
  // …nor in or beside a small shape redrawn (its old outline fades in G(z1) rather than goes: an eye's arc beside the new dot)
  if (keep && fine) { keep = keep.slice(); const near = dilate1(Float32Array.from(fine), R); for (let p = 0; p < N; p++) if (near[p]! > 0) keep[p] = 0; }
  if (!drawn && !fine) return null;
  // a large group takes one cell more all round (as insert-content.ts's): the new shape's edge lies
  // inside the insertion, where that outer cell keeps the old content wherever the flow explains G(z1)
  const cells = base ? base.cells.slice() : new Float32Array(N);
  if (drawn) { const ring = dilate1(Float32Array.from(drawn), R); for (let p = 0; p < N; p++) if (ring[p]! > 0) cells[p] = 1; }
  if (fine) for (let p = 0; p < N; p++) if (fine[p]) cells[p] = 1;
  // the cells whose surroundings keep the layer unmoved (place): the insertion's as before, not a large group's
  const fieldCells = base ? base.cells.slice() : new Float32Array(N);
  if (fine) for (let p = 0; p < N; p++) if (fine[p]) fieldCells[p] = 1;
  const plan = insertionPlan(unit[0]!, unit[K]!, changes[K - 1]!, cells, original, mapping, insert, fine, drawn, matte && { matte, cuts: reshaped }, keep);
  return plan ? { plan, fieldCells, keep } : base ? { plan: base, fieldCells: base.cells, keep } : null;
}
