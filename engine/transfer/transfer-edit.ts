/**
 * Edit transfer (issue 5): carries the change between generated frames onto the original layer.
 *
 *   frames[0] = G(z0) … frames[K] = G(z1)   ──estimateStep per pair──▶ K step fields
 *   ──composeChange──▶ total change 0→k per frame ──full-res-field + render-rows──▶ RGBA at the
 *   original's size, through the exact FrameMapping the projection used.
 *
 * Async only to stay interruptible: it yields to the event loop between chunks (one frame pair,
 * or a band of rows), so an AbortSignal fired from a Worker message is seen; after an abort it
 * rejects with the signal's reason (an AbortError) and reports no further progress.
 */
import { composeFlow, identityChange } from './compose-change.js';
import { DEFAULT_ESTIMATE_OPTIONS, estimateStep, type EstimateOptions } from './estimate-step.js';
import { checkMapping, type FrameMapping } from './frame-mapping.js';
import { DEFAULT_FULL_RES_OPTIONS, midField, midGrid, type FullResOptions } from './full-res-field.js';
import { refitColour } from './refit-colour.js';
import { renderRows, rowRenderer } from './render-rows.js';
import { colourAffinity, confineChange, editRegion, regionSupport, strongChangeRegion, type RegionOptions } from './edit-region.js';
import { layerFrame } from './layer-frame.js';
import { areaDownscale } from './area-downscale.js';
import { dilate1 } from './cell-groups.js';
import { insertionCells, insertionPlan, insertRows, type InsertionPlan, type InsertOptions, type MattedInsert } from './insert-content.js';
import { clearColour, compositedMisses, DEFAULT_LARGE_INSERT_OPTIONS, keptCells, largeInsertionCells, movedShapeCells, onTones, reshapedCells, wholeParts, type LargeInsertOptions } from './large-insertions.js';
import { DEFAULT_SMALL_INSERT_OPTIONS, onLayerTones, outcomeMisses, recolouredToneCells, smallInsertionCells, type SmallInsertOptions } from './small-insertions.js';
import { DEFAULT_SNAP_OPTIONS, layerTones, snapTones, type SnapOptions } from './snap-tones.js';
import { DEFAULT_RECOLOUR_OPTIONS, recolourRows, recolourScaledRows, type RecolourOptions, type RecolourPlan } from './recolour.js';
import { alikeTones, chooseShades, nearestPaint, paintedMove, paintedPieces, paintOnStartPart, partCells, partColours, piecesChangedAlike, separatingNear, shadeTones, startParts } from './recolour-parts.js';
import { mainFirst, overlayShades, translucentFit, translucentToneOf, virtualMain } from './shades.js';
import type { ChangeField, RgbaImage, TransferProgress } from './types.js';
import { generatorMatte, type GeneratorMatte } from './generator-matte.js';
import { colourCodePaint, type ColourCodePaintOptions } from './colour-code-paint.js';

export interface TransferInput {
  /** K+1 generated frames G(z0) … G(z1), each planar [3, R, R] (the generator's NCHW layout). */
  frames: readonly Float32Array[];
  /** The original layer at full resolution, straight RGBA, any aspect ratio, ≤ 4096 a side. */
  original: RgbaImage;
  /** How the original was put into the R×R frame for projection (letterbox or crop). */
  mapping: FrameMapping;
  /**
   * Coverage [R, R] of the strokes that made the edit. Given, the change is confined to the part
   * of it connected to what was painted (edit-region.ts) and the rest of the layer is untouched;
   * absent (code-slider edits), the whole change is carried.
   */
  painted?: Float32Array | null;
  /**
   * With `painted`: 'recolour' when every stroke was a colour stroke (or the eraser) — the change
   * then also keeps to the layer's colours under the paint (colourAffinity); 'shape' (default) for
   * sketch and warp edits, which may move edges anywhere near the paint.
   */
  paintKind?: 'recolour' | 'shape';
  /**
   * With `painted` and paintKind 'recolour': the colour the strokes painted, [3, R, R] in [0, 1]
   * (rasterizeStrokes' colorTarget with pixelRange [0, 1]; strokePaint() gives all three). The part
   * painted over then takes exactly that colour (recolour.ts) instead of the generator's
   * approximation of it; the generator still decides which pixels the edit covers.
   */
  paintColour?: Float32Array | null;
  /**
   * With paintColour: each colour stroke's points in drawing order (frame coordinates). Only the
   * part under where each stroke starts is recoloured; its paint over other parts is ignored.
   * Absent or empty: every part painted over is recoloured.
   */
  colourPaths?: readonly (readonly (readonly [number, number])[])[] | null;
  /**
   * With paintColour: the layer colour (0–255 RGB) the paint replaces, where it is known (a colour
   * code's old value). The part's tone nearest it (within 3 × RecolourOptions.near) is then its main
   * one and takes the paint exactly; the other tones follow it as shades (recolour-parts.ts chooseShades).
   * When no tone is that near (the colour is drawn only under an overlay, as DiceBear's hair), it is
   * the main colour itself, and each tone keeps its overlay: a lighter one 'screen', a darker one
   * 'multiply'. Absent: the main tone is the part's most common one under the paint.
   */
  paintFrom?: readonly number[] | null;
  /**
   * With paintFrom: the part is drawn translucent over another (a buzz cut, the hair colour multiplied
   * over the skin at 20 %) and the generator moved it this share of the way (colour-code-paint.ts
   * `faint`). The part's main tone then moves by that share of paintFrom → paint, and it alone: the
   * layer's other colours under the paint are what shows through, not the part's shades.
   */
  paintShare?: number;
  /**
   * Without `painted` (a code-slider edit): 'all' (default) carries every pixel's change; 'strong'
   * only where the generator's change is strong (edit-region.ts strongChangeRegion), leaving the
   * rest of the layer as it was instead of repainting it with the generator's entangled drift.
   */
  whole?: 'all' | 'strong';
  /**
   * With whole 'strong': the edit moved a code that changes shapes (the pack's `changes: "shape"`:
   * a hair style, a mouth). On an opaque layer every cell the generator changed is then drawn from
   * G(z1) (large-insertions.ts `reshapedCells`), not only the cells the carried edit misses: the
   * flow bends the old shape toward the new one (a curly outline shrunk toward a bob, a smile toward
   * a frown) instead of drawing it. Absent: only a recolour is assumed, and a recolour must not be
   * redrawn (its colours come from the layer, snap-tones.ts).
   */
  reshaped?: boolean;
  /**
   * With whole 'strong': the colours (0–255 RGB) the edit's colour codes name (the pack's `values`:
   * Hair colour → Ginger is #f29c65). A flat colour of the layer whose change lands near one takes it
   * exactly (snap-tones.ts), as a colour stroke takes its paint.
   */
  colours?: readonly (readonly number[])[];
  /** With colours: the colours the same codes named before the edit, in the same order. */
  coloursBefore?: readonly (readonly number[])[];
  /**
   * With whole 'strong' and `colours`: the edit only set colour codes (engine/latent/codes.ts
   * `recoloursOnly`). The cells the generator turned toward a named colour are then taken
   * as a colour stroke in it (colour-code-paint.ts): the part under them takes the colour exactly
   * and the rest of the layer stays as it was.
   */
  colourStroke?: boolean;
  /**
   * Code edits: G(z1) rendered twice more with the pack's background code set to two of its colours
   * (engine/latent/backdrops.ts), each [3, R, R] in the frames' range, and those colours (0–255 RGB).
   * On a transparent layer, content G draws from G(z1) is then clear exactly where G's own matte
   * says its background shows (generator-matte.ts): a cut is clear and new white content stays
   * opaque, and a shape code's change is drawn there too (as on an opaque layer, `reshaped`).
   */
  backdrops?: { frames: readonly [Float32Array, Float32Array]; colours: readonly [readonly number[], readonly number[]] } | null;
}

export interface TransferOptions {
  /** Value range of the frames: [lo, hi] ↔ colours 0…1 (default [-1, 1], the packs' range). */
  pixelRange?: readonly [number, number];
  /** Also render every intermediate frame 1…K at full resolution (default: the final only). */
  allFrames?: boolean;
  estimate?: Partial<EstimateOptions>;
  /**
   * Estimates the step fields of several frame pairs at once (the pairs are independent: the
   * panel's worker splits them across its helper workers). Default: one after the other, here.
   * Must give what `estimateStep` gives for each pair.
   */
  estimateStepsAsync?: (pairs: [Float32Array, Float32Array][], size: number, options: EstimateOptions) => Promise<ChangeField[]>;
  fullRes?: Partial<FullResOptions>;
  region?: Partial<RegionOptions>;
  /** whole: 'strong': the change (max over channels, colours in [0, 1]) a cell needs to be carried. */
  strongChange?: number;
  /** whole: 'strong': …and at least this fraction of the edit's strength (strongChangeRegion's `relative`). */
  strongRelative?: number;
  recolour?: Partial<RecolourOptions>;
  /**
   * Code-slider edits (no `painted`): where the flow cannot explain the generator's change (new
   * content), G(z1)'s content is brought in, crisp (insert-content.ts). false: off.
   */
  insert?: Partial<InsertOptions> | false;
  /**
   * Code-slider edits, with `insert`: small new shapes (an eye, a mouth) the carried edit leaves
   * out are inserted too (small-insertions.ts). false: off.
   */
  smallInsert?: Partial<SmallInsertOptions> | false;
  /**
   * Code edits, with `insert`: large new content the carried edit leaves out (hair on a bald head,
   * the old hair's ends left by a shorter cut) is drawn from G(z1) too (large-insertions.ts). false: off.
   */
  largeInsert?: Partial<LargeInsertOptions> | false;
  /**
   * Code-slider edits (no `painted`, whole: 'strong'): each of the layer's flat colours is either
   * changed fully or not at all, never half (snap-tones.ts). false: off (the carried change as the
   * generator made it; whole: 'all' is always carried so).
   */
  snap?: Partial<SnapOptions> | false;
  /**
   * Code-slider edits with `colourStroke`: how the cells the generator recoloured are found
   * (colour-code-paint.ts). false: off (the edit is carried as a generator change, like a shape code's).
   */
  colourCodePaint?: Partial<ColourCodePaintOptions> | false;
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
}

export interface TransferResult {
  /** The original transformed by the whole edit, frames[0] → frames[K]. */
  final: RgbaImage;
  /** With allFrames: the original transformed by 0→k for k = 1…K (the last equals `final`). */
  frames?: RgbaImage[];
  /** Total change 0→k for k = 1…K at frame resolution (cheap; for reuse or inspection). */
  changes: ChangeField[];
  /** The edit region [R, R] in [0, 1] the change was confined to (null: the whole layer). */
  region: Float32Array | null;
}

export const MAX_SIDE = 4096;

/**
 * Edit region of a colour stroke with its colour known: a designer who paints across the hair
 * means all of it, and the generator's change fades toward the far side of a part (measured on
 * bench:edits: the sides of the hair kept their old colour with the stroke-edit reach of R/8).
 */
/** whole: 'strong': 0.1 ≈ 25 levels (bench:edits: the drift of a code edit stays under ~15 levels). */
const STRONG_CHANGE = 0.1;
/** …and half the edit's own strength (bench:edits, 3 seeds: leakage of the code edits 13–34 % → 7–24 %, RMSE in the part within ±1.3). */
const STRONG_RELATIVE = 0.5;

const RECOLOUR_REGION: Partial<RegionOptions> = { reach: 2, relative: 0.05, floor: 0.015 };
/**
 * Tones join only when the generator moved the painted piece at least this far toward the painted
 * colour, levels (paintedMove): half of it (TONE_ALIKE) must clear the ~15 levels a generator
 * drifts where it was not asked to (see STRONG_CHANGE), so ≥ 30, and 40 leaves a margin.
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
 * What a transfer computes at frame resolution, once per set of frames: the step fields composed
 * 0→k, the edit region and, for a colour stroke, its recolour plan. Rendering it
 * (`renderTransferAsync`) at the layer's size is Apply; at a smaller size it is the panel's
 * preview of Apply (the same fields, the same region: the same edit).
 */
export interface PreparedTransfer {
  mapping: FrameMapping;
  /** Frame pairs (frames − 1). */
  K: number;
  /** Total change 0→k for k = 1…K (one identity field when K = 0). */
  changes: ChangeField[];
  region: Float32Array | null;
  plan: RecolourPlan | null;
  /** Cells beyond the guided filter's reach of the region (the field is forced to the identity there). */
  support: Float32Array | null;
  fullRes: FullResOptions;
  /** The frames in [0, 1] colours (insertions of sequence frames are made from them when rendered). */
  unit: Float32Array[];
  /** Code edits: the insertion options (null: no insertion: a stroke edit, or `insert: false`). */
  insert: Partial<InsertOptions> | null;
  /** Frame k → its insertion (null: none needed); the whole edit's is made by prepare. */
  insertions: Map<number, InsertionPlan | null>;
  /** Code edits: the layer's flat colours, each changed fully or not at all (null: the carried change as is). */
  snap: { tones: number[][]; options: SnapOptions; named: readonly (readonly number[])[] } | null;
}

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

export async function prepareTransferAsync(input: TransferInput, options: TransferOptions = {}): Promise<PreparedTransfer> {
  const { frames, original, mapping } = input;
  const { pixelRange = [-1, 1], signal } = options;
  checkInput(frames, original, mapping, input.painted, input.paintColour);
  const R = mapping.resolution, K = frames.length - 1;
  const fullRes = { ...DEFAULT_FULL_RES_OPTIONS, ...options.fullRes };
  const estimate = { ...DEFAULT_ESTIMATE_OPTIONS, ...options.estimate };
  const onEstimate = options.onProgress && ((done: number) => { if (!signal?.aborted) options.onProgress!({ phase: 'estimate', done, total: K, fraction: done / K }); });

  // 1. frames to [0, 1]
  const [lo, hi] = pixelRange;
  const toUnit = (f: Float32Array): Float32Array => {
    const out = new Float32Array(f.length), k = 1 / (hi - lo);
    for (let i = 0; i < f.length; i++) out[i] = (f[i]! - lo) * k;
    return out;
  };
  const unit = frames.map(toUnit);
  // a colour code's edit: a colour stroke over what the generator recoloured (colour-code-paint.ts);
  // where no part of the layer lies under it, the edit is carried as a code edit after all
  if (!input.painted && input.whole === 'strong' && input.colourStroke && input.colours?.length && options.colourCodePaint !== false && K > 0) {
    const paint = colourCodePaint(unit[0]!, unit[K]!, R, input.colours, options.colourCodePaint || {}, input.coloursBefore ?? []);
    if (paint) {
      // one colour code moved: its old value is the layer's tone the new one replaces
      const paintFrom = input.colours.length === 1 && input.coloursBefore?.length === 1 ? input.coloursBefore[0]! : null;
      const stroke = await prepareTransferAsync({ ...input, ...paint, paintKind: 'recolour', colourPaths: null, paintFrom }, options);
      if (stroke.plan) return stroke;
    }
  }
  const bd = input.backdrops;
  const matte = bd && K > 0 ? generatorMatte(toUnit(bd.frames[0]), toUnit(bd.frames[1]), bd.colours[0].map((v) => v / 255), bd.colours[1].map((v) => v / 255)) : null;

  // 2. step fields and their composition
  const changes: ChangeField[] = [];
  let total = identityChange(R);
  const steps = options.estimateStepsAsync && K > 1
    ? await options.estimateStepsAsync(Array.from({ length: K }, (_, k) => [unit[k], unit[k + 1]] as [Float32Array, Float32Array]), R, estimate)
    : null;
  if (steps && steps.length !== K) throw new Error(`transfer: estimateStepsAsync gave ${steps.length} fields for ${K} frame pairs`);
  for (let k = 0; k < K; k++) {
    await checkpoint(signal);
    const step = steps ? steps[k] : estimateStep(unit[k], unit[k + 1], R, estimate);
    // flows compose by warping; the colour model is refitted 0→k+1 on the composed flow (so only
    // the flows are composed: composeChange's colour models would be replaced here)
    total = refitColour(unit[0], unit[k + 1], composeFlow(total, step), estimate);
    changes.push(total);
    onEstimate?.(k + 1);
  }
  if (K === 0) changes.push(total);

  // 3. where the change may apply
  let region: Float32Array | null = null;
  let plan: RecolourPlan | null = null;
  if (input.painted) {
    const recolour = input.paintKind === 'recolour';
    if (recolour && input.paintColour) {
      // painted colour known: the part is the layer's pixels of the colours painted over wherever
      // they connect to the paint (recolour.ts), changed by the generator or not
      const o0 = { ...DEFAULT_RECOLOUR_OPTIONS, ...options.recolour };
      const under0 = partColours(original, mapping, input.painted, o0.near, o0.minShare);
      // a flat colour of the layer closer to the part's than `near` is another part, not the same one drawn noisily
      const sep = separatingNear(layerTones(original.data, original.width, original.height), under0, o0.near);
      let o: RecolourOptions = sep.others.length ? { ...o0, near: sep.near, others: sep.others } : o0;
      const under = o.near < o0.near ? partColours(original, mapping, input.painted, o.near, o.minShare) : under0;
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
        const cellsOf = (colours: number[][]): Float32Array => dilateCells(partCells(original, mapping, colours, o.near), R, 1);
        let bridged = cellsOf(painted0);
        let painted = start ? paintOnStartPart(input.painted, bridged, start.cells, R) : input.painted;
        // the part's other tones (not under the paint) that the generator changed alike: hair darker
        // below its highlight, a fold; then its pieces the fill cannot reach (hair cut by the ears)
        // — only when the generator's own move of the painted piece stands out from its drift (paintedMove)
        const { ref } = paintedPieces(painted, bridged, unit[0]!, unit[K]!, R);
        const follows = translucent === null && !!ref && Number.isFinite(o.joinAlike) && paintedMove(ref, painted0[0]!, mainTarget(nearestPaint(input.paintColour, painted, R), painted, R)) >= JOIN_MIN_MOVE;
        const extra = follows ? alikeTones(original, mapping, painted0, unit[0]!, unit[K]!, ref, { near: o.near, minAlike: TONE_ALIKE, share: TONE_SHARE, minCount: TONE_MIN_SAMPLES, maxRatio: TONE_MAX_RATIO }) : [];
        // and its small tones that are the main one under a black or white layer (a nose on a face)
        const small = translucent === null ? shadeTones(original, mapping, painted, [...painted0, ...extra], o.near, o.minShare) : [];
        const palette = [...painted0, ...extra, ...small];
        if (extra.length || small.length) {
          bridged = cellsOf(palette);
          painted = start ? paintOnStartPart(input.painted, bridged, start.cells, R) : input.painted;
        }
        const seeds = piecesChangedAlike(painted, bridged, unit[0]!, unit[K]!, R, o.joinAlike);
        region = editRegion(unit[0], unit[K], seeds, R, { ...RECOLOUR_REGION, ...options.region }, bridged, bridged);
        const target = nearestPaint(input.paintColour, painted, R);
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
        plan = { region, target, palette: virtual ? [virtual, ...palette] : palette, ...(shades ? { shades } : {}), options: o };
      }
    }
    if (!plan) {
      const affinity = recolour ? colourAffinity(layerFrame(original, mapping), input.painted, R, options.region) : null;
      region = editRegion(unit[0], unit[K], input.painted, R, options.region, affinity);
    }
  }
  // 3b. code edits: new content the flow cannot carry is brought in from G(z1) (insert-content.ts).
  // In and around it the flow's field (bent trying to explain the new shape) is not applied, but on
  // the old content well inside it (insert-content.ts `carried`) it is. The whole edit's insertion
  // sets the region; a sequence frame's own insertion is made when that frame is rendered.
  const insert = input.painted || options.insert === false || K === 0 ? null : (options.insert || {});
  // after a shape code's change, the cells where the layer already shows what G(z1) shows (keptCells)
  const kept = insert && input.reshaped && input.whole === 'strong' && options.largeInsert !== false
    ? keptCells(original, mapping, unit[0]!, unit[K]!, options.largeInsert || {}) : null;
  const last = insert ? insertionFor(unit[0]!, unit[K]!, changes[K - 1]!, original, mapping, insert, matte && { matte, cuts: input.reshaped === true }, kept) : null;
  const strokeRegion = region;
  const place = (ins: InsertionPlan | null, keep: Uint8Array | null): { region: Float32Array | null; support: Float32Array | null } => {
    const ring = ins ? dilateCells(ins.cells, R, 2) : null;
    let reg = strokeRegion;
    if (!input.painted && input.whole === 'strong') reg = strongChangeRegion(unit[0], unit[K], R, options.strongChange ?? STRONG_CHANGE, undefined, ring, options.strongRelative ?? STRONG_RELATIVE);
    if (ins && ring) {
      reg = reg ? reg.slice() : new Float32Array(R * R).fill(1);
      for (let p = 0; p < R * R; p++) if (ring[p]! > 0) reg[p] = ins.carried[p]! > 0 ? 1 : 0;
    }
    // where the layer already shows what G(z1) shows, it stays as it is
    if (keep && reg) { reg = reg.slice(); for (let p = 0; p < R * R; p++) if (keep[p]) reg[p] = 0; }
    // beyond the guided filter's reach of the region, the field is forced to exactly the identity
    return { region: reg, support: reg ? regionSupport(reg, R, fullRes.guideRadius + 1) : null };
  };
  const snap = input.painted || input.whole !== 'strong' || options.snap === false || K === 0 ? null : { ...DEFAULT_SNAP_OPTIONS, ...options.snap };
  const tones = snap ? layerTones(original.data, original.width, original.height, snap) : [];
  const prepared: PreparedTransfer = { mapping, K, changes, ...place(last, kept), plan, fullRes, unit, insert, insertions: new Map([[K, last]]), snap: snap && tones.length ? { tones, options: snap, named: input.colours ?? [] } : null };
  // 3c. code edits: small new shapes the flow seems to explain at 64² but the layer does not show
  // (small-insertions.ts), judged on the edit as it comes out, rendered small
  // (only with whole: 'strong', what the panel, the CLI and bench:edits use: it needs the layer's
  // tones, which snap has found; finding them on a textured layer took ~2 min in preview-scale.test.ts)
  if (insert && prepared.snap && (options.smallInsert !== false || options.largeInsert !== false)) {
    await checkpoint(signal);
    const found = await outcomeInsertion(prepared, original, last, insert, options.smallInsert ?? {}, options.largeInsert ?? {}, input.reshaped === true, matte, kept);
    // the field stays as carried around a large insertion (only its cells are redrawn): the carried
    // change next to it (old hair snapped away) must not be undone
    if (found) Object.assign(prepared, place({ ...found.plan, cells: found.fieldCells }, found.keep), { insertions: new Map([[K, found.plan]]) });
  }
  return prepared;
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
      snapTones(out, snap.rows, W, H, prepared.snap!.tones, prepared.snap!.options, prepared.snap!.named);
      if (insertion) insertRows(insertion, mapping, out, W, 0, H);
    }
    rendered.push({ width: W, height: H, data: out });
  }
  return rendered;
}

export async function transferEditAsync(input: TransferInput, options: TransferOptions = {}): Promise<TransferResult> {
  const { allFrames = false, onProgress, signal } = options;
  const K = input.frames.length - 1;
  // progress: estimation counts as ~25% of a single-frame run (measured: ~25 ms CPU a pair at 64²)
  const renderCount = allFrames ? K : 1;
  const estimateWeight = K > 0 ? 0.25 / renderCount : 0;
  const report = (phase: TransferProgress['phase'], done: number, total: number, fraction: number): void => {
    if (onProgress && !signal?.aborted) onProgress({ phase, done, total, fraction });
  };
  const prepared = await prepareTransferAsync(input, { ...options, onProgress: (p) => report('estimate', p.done, p.total, estimateWeight * p.fraction) });
  const targets = allFrames ? Array.from({ length: K }, (_, k) => k + 1) : [K];
  const rendered = await renderTransferAsync(prepared, input.original, K > 0 ? targets : [0], {
    ...(signal ? { signal } : {}),
    onRows: (done, total) => report('render', done, total, estimateWeight + (1 - estimateWeight) * (done / total)),
  });
  const final = rendered[rendered.length - 1];
  const { changes, region } = prepared;
  return allFrames ? { final, frames: rendered, changes, region } : { final, changes, region };
}

async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  await yieldToEventLoop();
  throwIfAborted(signal);
}

/** The content to insert for the change first → last (null: the flow explains all of it). */
function insertionFor(first: Float32Array, last: Float32Array, change: ChangeField, original: RgbaImage, mapping: FrameMapping, o: Partial<InsertOptions>, matted: MattedInsert | null = null, keep: Uint8Array | null = null): InsertionPlan | null {
  const cells = insertionCells(first, last, change, o);
  return cells ? insertionPlan(first, last, change, cells, original, mapping, o, null, null, matted, keep) : null;
}

/**
 * The whole edit's insertion with the large and small new content it misses added (null: none
 * missed). Renders the prepared edit at ~4 layer px a frame cell (a quarter of a 512² layer's
 * pixels) and compares it, at frame resolution, with the generator's change.
 */
async function outcomeInsertion(prepared: PreparedTransfer, original: RgbaImage, base: InsertionPlan | null, insert: Partial<InsertOptions>, so: Partial<SmallInsertOptions> | false, lo: Partial<LargeInsertOptions> | false, reshaped: boolean, matte: GeneratorMatte | null, kept: Uint8Array | null): Promise<{ plan: InsertionPlan; fieldCells: Float32Array; keep: Uint8Array | null } | null> {
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
    // (small faint groups are left out on an opaque layer only: on a transparent one the matted drawing
    // picks its colours over all the cells drawn, and without them heldout-69's fade came out violet
    // instead of brown, bench:edits 19.8 → 65.9 in the part)
    const shaped = reshaped && (!bg || matte) ? reshapedCells(change, R, bg ? { ...opts, reshapeCore: [0, 0] } : opts, opts.reshapeGrow.steps > 0 ? { miss, onTone: onTones(unit[K]!, tones01, R, opts.toneNear) } : undefined) : null;
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

/** Frame k's insertion (the change 0→k), made once per prepared transfer. */
function insertionAt(prepared: PreparedTransfer, k: number, original: RgbaImage): InsertionPlan | null {
  const { insert, insertions, unit, changes, mapping } = prepared;
  if (!insert || k < 1) return null;
  if (!insertions.has(k)) insertions.set(k, insertionFor(unit[0]!, unit[k]!, changes[k - 1]!, original, mapping, insert));
  return insertions.get(k)!;
}

/** Mid-grid planes with the colour model set to the identity: the flow alone. */
function flowOnly(planes: Float32Array): Float32Array {
  const n = planes.length / 14, out = planes.slice();
  for (let c = 2; c < 14; c++) out.fill(c === 2 || c === 7 || c === 12 ? 1 : 0, c * n, (c + 1) * n);
  return out;
}

/** Max over the (2r+1)² cells around each cell. */
function dilateCells(a: Float32Array, R: number, r: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    let m = 0;
    for (let v = Math.max(0, y - r); v <= Math.min(R - 1, y + r); v++) for (let u = Math.max(0, x - r); u <= Math.min(R - 1, x + r); u++) m = Math.max(m, a[v * R + u]!);
    out[y * R + x] = m;
  }
  return out;
}

function checkInput(frames: readonly Float32Array[], original: RgbaImage, mapping: FrameMapping, painted: Float32Array | null | undefined, paintColour: Float32Array | null | undefined): void {
  checkMapping(mapping);
  const R = mapping.resolution;
  if (paintColour != null && (!(paintColour instanceof Float32Array) || paintColour.length !== 3 * R * R)) {
    throw new RangeError(`transferEdit: paintColour must be a Float32Array [3, ${R}, ${R}] (${3 * R * R} values)`);
  }
  if (painted != null && (!(painted instanceof Float32Array) || painted.length !== R * R)) {
    throw new RangeError(`transferEdit: painted must be a Float32Array [${R}, ${R}] (${R * R} values)`);
  }
  if (frames.length < 1) throw new RangeError('transferEdit: frames must hold at least one frame (K+1 frames for K steps)');
  frames.forEach((f, i) => {
    if (f.length !== 3 * R * R) throw new RangeError(`transferEdit: frames[${i}] must be [3, ${R}, ${R}] (${3 * R * R} values), got ${f.length}`);
  });
  const { width: W, height: H, data } = original;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W >= 1 && H >= 1 && W <= MAX_SIDE && H <= MAX_SIDE)) {
    throw new RangeError(`transferEdit: original must be 1…${MAX_SIDE} px a side, got ${W}×${H}`);
  }
  if (data.length !== W * H * 4) throw new RangeError(`transferEdit: original.data must hold width·height·4 = ${W * H * 4} bytes, got ${data.length}`);
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('The transfer was aborted');
  e.name = 'AbortError';
  return e;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

type Scheduler = { setImmediate?: (cb: () => void) => unknown; setTimeout: (cb: () => void, ms: number) => unknown };

/** A macrotask turn (so messages, e.g. a cancel, are delivered): setImmediate in Node, else a MessageChannel hop. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as Scheduler & { MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(v: unknown): void; close(): void } } };
  return new Promise((resolve) => {
    if (g.setImmediate) {
      g.setImmediate(resolve);
    } else if (g.MessageChannel) {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => { ch.port1.close(); ch.port2.close(); resolve(); };
      ch.port2.postMessage(null);
    } else {
      g.setTimeout(resolve, 0);
    }
  });
}
