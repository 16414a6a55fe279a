/**
 * A colour stroke with its colour known (paintColour): the part it recolours, found on the layer
 * (recolour-parts.ts), and how each of its tones follows the paint (shades.ts) — the recolour
 * plan (recolour.ts) whose region also confines the transfer.
 */
import { editRegion, type RegionOptions } from './edit-region.js';
import { dilateMax } from './cell-groups.js';
import { layerTones, DEFAULT_SNAP_OPTIONS } from './snap-tones.js';
import { DEFAULT_RECOLOUR_OPTIONS, type RecolourOptions, type RecolourPlan } from './recolour.js';
import { alikeTones, chooseShades, nearestPaint, paintedMove, paintedPieces, paintOnStartPart, partCells, partColours, piecesChangedAlike, separatingNear, shadeTones, startParts } from './recolour-parts.js';
import { mainFirst, overlayShades, translucentFit, translucentToneOf, virtualMain } from './shades.js';
import type { TransferInput, TransferOptions } from './transfer-input.js';

/**
 * Edit region of a colour stroke with its colour known: a designer who paints across the hair
 * means all of it, and the generator's change fades toward the far side of a part (measured on
 * bench:edits: the sides of the hair kept their old colour with the stroke-edit reach of R/8).
 */
const RECOLOUR_REGION: Partial<RegionOptions> = { reach: 2, relative: 0.05, floor: 0.015 };
/**
 * Tones join only when the generator moved the painted piece at least this far toward the painted
 * colour, levels (paintedMove): half of it (TONE_ALIKE) must clear the ~15 levels a generator
 * drifts where it was not asked to (prepare-transfer.ts STRONG_CHANGE), so ≥ 30, and 40 leaves a margin.
 * bench:edits strokes, 6 seeds: 69–228 on 23 of the 28 (all those where a tone rightly joined);
 * 23 and 26 on bench-2's sparse hair (opaque, transparent), where the darkened skin joined, and
 * ~0 on three backgrounds the generator left as they were (bench-5's skin joined).
 */
const JOIN_MIN_MOVE = 40;
/**
 * A tone of the layer joins the part when the generator changed it alike (by half the painted
 * piece's change, the same way) in 80 % of its samples' cells, it has 48 samples (≈ 16 a frame
 * cell: 3 cells; not an antialiased rim) and at most 1.5× the part's own (bench:edits, strokes on
 * 6 seeds: 0.3 / 60 % took the skin next to ginger hair in; the 1.5× cap is relative, so it
 * holds nothing back beside a large part: JOIN_MIN_MOVE keeps out the skin it let in).
 */
const TONE_ALIKE = 0.5, TONE_SHARE = 0.8, TONE_MIN_SAMPLES = 48, TONE_MAX_RATIO = 1.5;

/** The painted colour (0–255) at the most painted cell: what the main colour of the part becomes. */
function mainTarget(target: Float32Array, painted: Float32Array, R: number): number[] {
  let best = 0;
  for (let p = 0; p < R * R; p++) if (painted[p]! > painted[best]!) best = p;
  return [0, 1, 2].map((c) => target[c * R * R + best]!);
}

/**
 * The recolour plan of colour strokes covering `strokes` [R, R] in `paintColour` [3, R, R], the
 * frames in [0, 1] (null: no colour of the layer lies under the paint; the caller then confines
 * the generator's change to an edit region instead).
 */
export function colourStrokePlan(input: TransferInput, strokes: Float32Array, paintColour: Float32Array, unit: readonly Float32Array[], options: Pick<TransferOptions, 'recolour' | 'region'>): RecolourPlan | null {
  const { original, mapping } = input;
  const R = mapping.resolution, K = unit.length - 1;
  // painted colour known: the part is the layer's pixels of the colours painted over wherever
  // they connect to the paint (recolour.ts), changed by the generator or not
  const o0 = { ...DEFAULT_RECOLOUR_OPTIONS, ...options.recolour };
  const under0 = partColours(original, mapping, strokes, o0.near, o0.minShare);
  // a flat colour of the layer closer to the part's than `near` is another part, not the same one drawn noisily
  const sep = separatingNear(layerTones(original.data, original.width, original.height), under0, o0.near);
  let o: RecolourOptions = sep.others.length ? { ...o0, near: sep.near, others: sep.others } : o0;
  const under = o.near < o0.near ? partColours(original, mapping, strokes, o.near, o.minShare) : under0;
  // only the part under where each stroke starts: paint that runs over other parts is ignored
  const start = input.colourPaths?.length ? startParts(original, mapping, under, input.colourPaths, o.near) : null;
  const translucent = input.paintFrom && input.paintShare !== undefined ? input.paintShare : null;
  const painted0 = mainFirst(start ? start.palette : under, input.paintFrom, o.near).slice(0, translucent === null ? undefined : 1);
  // a translucent part: the old colour laid over another tone of the layer (tones found finely: a
  // buzz cut is ~6 levels off the skin it darkens). Only its own pixels are the part, not that
  // tone's: with the usual `near` the whole face took the new hair colour (bench:edits, bench-2
  // on the 3700 kimg generator, whose change spilled onto the face: 13 % leakage)
  const fit = translucent !== null && painted0.length
    ? translucentFit(painted0[0]!, input.paintFrom!, layerTones(original.data, original.width, original.height, { ...DEFAULT_SNAP_OPTIONS, near: 4 })) : null;
  if (fit) o = { ...o, near: Math.min(o.near, Math.max(2, Math.hypot(...painted0[0]!.map((v, c) => v - fit.under[c]!)) / 2)), others: [...(o.others ?? []), fit.under] };
  if (painted0.length) {
    // the part may be cut in two at 64² (an ear over the hair): the fill crosses gaps of up to 2 cells
    const cellsOf = (colours: number[][]): Float32Array => dilateMax(partCells(original, mapping, colours, o.near), R, 1);
    let bridged = cellsOf(painted0);
    let painted = start ? paintOnStartPart(strokes, bridged, start.cells, R) : strokes;
    // the part's other tones (not under the paint) that the generator changed alike: hair darker
    // below its highlight, a fold; then its pieces the fill cannot reach (hair cut by the ears)
    // — only when the generator's own move of the painted piece stands out from its drift (paintedMove)
    const { ref } = paintedPieces(painted, bridged, unit[0]!, unit[K]!, R);
    const follows = translucent === null && !!ref && Number.isFinite(o.joinAlike) && paintedMove(ref, painted0[0]!, mainTarget(nearestPaint(paintColour, painted, R), painted, R)) >= JOIN_MIN_MOVE;
    const extra = follows ? alikeTones(original, mapping, painted0, unit[0]!, unit[K]!, ref, { near: o.near, minAlike: TONE_ALIKE, share: TONE_SHARE, minCount: TONE_MIN_SAMPLES, maxRatio: TONE_MAX_RATIO }) : [];
    // and its small tones that are the main one under a black or white layer (a nose on a face)
    const small = translucent === null ? shadeTones(original, mapping, painted, [...painted0, ...extra], o.near, o.minShare) : [];
    const palette = [...painted0, ...extra, ...small];
    if (extra.length || small.length) {
      bridged = cellsOf(palette);
      painted = start ? paintOnStartPart(strokes, bridged, start.cells, R) : strokes;
    }
    const seeds = piecesChangedAlike(painted, bridged, unit[0]!, unit[K]!, R, o.joinAlike);
    const region = editRegion(unit[0], unit[K], seeds, R, { ...RECOLOUR_REGION, ...options.region }, bridged, bridged);
    const target = nearestPaint(paintColour, painted, R);
    // a translucent part: the old colour over another tone of the layer, and now the new one over it;
    // when no tone explains it, it moves the generator's share of the code's change
    if (translucent !== null) {
      const to = mainTarget(target, painted, R), main = painted0[0]!;
      const tone = fit ? translucentToneOf(fit, to) : main.map((v, c) => v + translucent * (to[c]! - input.paintFrom![c]!));
      for (let q = 0; q < R * R; q++) for (let c = 0; c < 3; c++) target[c * R * R + q] = tone[c]!;
    }
    // the colour the paint replaces, known but drawn nowhere as is (DiceBear's hair: the named colour
    // under a light overlay): it is the main colour, and each of the part's tones keeps its overlay on it
    const virtual = input.paintFrom && translucent === null ? virtualMain(palette, input.paintFrom, o.near) : null;
    const shades = virtual ? overlayShades(palette, virtual) : palette.length > 1 ? chooseShades(original, mapping, palette, mainTarget(target, painted, R), unit[0]!, unit[K]!, o.near) : undefined;
    return { region, target, palette: virtual ? [virtual, ...palette] : palette, ...(shades ? { shades } : {}), options: o };
  }
  return null;
}
