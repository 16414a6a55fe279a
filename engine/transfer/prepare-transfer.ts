/**
 * A transfer's work at frame resolution, once per set of frames: the frames' step fields composed
 * 0→k, the edit region, a colour stroke's recolour plan, a code edit's insertions of new content and
 * the layer's flat colours to snap. render-transfer.ts draws it at any size.
 */
import { composeFlow, identityChange } from './compose-change.js';
import { DEFAULT_ESTIMATE_OPTIONS, estimateStep } from './estimate-step.js';
import type { FrameMapping } from './frame-mapping.js';
import { DEFAULT_FULL_RES_OPTIONS, type FullResOptions } from './full-res-field.js';
import { refitColour } from './refit-colour.js';
import { colourAffinity, editRegion, regionSupport, strongChangeRegion } from './edit-region.js';
import { layerFrame } from './layer-frame.js';
import { dilateMax } from './cell-groups.js';
import type { InsertionPlan, InsertOptions } from './insert-content.js';
import { keptCells } from './large-insertions.js';
import { DEFAULT_SNAP_OPTIONS, layerTones, type SnapOptions } from './snap-tones.js';
import type { FragmentOptions } from './leftover-fragments.js';
import type { MissedShapeOptions } from './missed-shapes.js';
import type { OrphanEdgeOptions } from './orphan-edges.js';
import type { RecolourPlan } from './recolour.js';
import { generatorMatte } from './generator-matte.js';
import { colourCodePaint } from './colour-code-paint.js';
import { colourStrokePlan } from './colour-stroke-plan.js';
import { insertionFor } from './frame-insertions.js';
import { outcomeInsertion } from './outcome-insertion.js';
import { checkpoint } from './checkpoint.js';
import { checkInput, type TransferInput, type TransferOptions } from './transfer-input.js';
import type { ChangeField } from './types.js';

/** whole: 'strong': 0.1 ≈ 25 levels (bench:edits: the drift of a code edit stays under ~15 levels). */
const STRONG_CHANGE = 0.1;
/** …and half the edit's own strength (bench:edits, 3 seeds: leakage of the code edits 13–34 % → 7–24 %, RMSE in the part within ±1.3). */
const STRONG_RELATIVE = 0.5;

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
  /** After a shape code's change, with `snap`: the leftovers of shapes it took away are removed (leftover-fragments.ts; null: not). */
  fragments: Partial<FragmentOptions> | null;
  /** After a shape code's change, with `snap`: a change the carried edit missed is drawn in the layer's tones (missed-shapes.ts; null: not). */
  missedShapes: Partial<MissedShapeOptions> | null;
  /** After a shape code's change, with `snap`: outlines left without their shape take the colour round them (orphan-edges.ts; null: not). */
  orphanEdges: Partial<OrphanEdgeOptions> | null;
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
    plan = recolour && input.paintColour ? colourStrokePlan(input, input.painted, input.paintColour, unit, options) : null;
    if (plan) region = plan.region;
    else {
      // no recolour plan (a sketch or warp, or no colour of the layer under the paint): the generator's change near the paint
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
    const ring = ins ? dilateMax(ins.cells, R, 2) : null;
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
  const prepared: PreparedTransfer = { mapping, K, changes, ...place(last, kept), plan, fullRes, unit, insert, insertions: new Map([[K, last]]), snap: snap && tones.length ? { tones, options: snap, named: input.colours ?? [] } : null, fragments: null, missedShapes: null, orphanEdges: null };
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
  // (after the outcome stages, which judge the edit as the flow and the insertion draw it)
  if (prepared.snap && input.reshaped && options.fragments !== false) prepared.fragments = options.fragments ?? {};
  if (prepared.snap && input.reshaped && options.missedShapes !== false) prepared.missedShapes = options.missedShapes ?? {};
  if (prepared.snap && input.reshaped && options.orphanEdges !== false) prepared.orphanEdges = options.orphanEdges ?? {};
  return prepared;
}
