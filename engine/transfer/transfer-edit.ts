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
import { composeChange, identityChange } from './compose-change.js';
import { DEFAULT_ESTIMATE_OPTIONS, estimateStep, type EstimateOptions } from './estimate-step.js';
import { checkMapping, type FrameMapping } from './frame-mapping.js';
import { DEFAULT_FULL_RES_OPTIONS, midField, midGrid, type FullResOptions } from './full-res-field.js';
import { refitColour } from './refit-colour.js';
import { renderRows, rowRenderer } from './render-rows.js';
import { colourAffinity, confineChange, editRegion, regionSupport, strongChangeRegion, type RegionOptions } from './edit-region.js';
import { layerFrame } from './layer-frame.js';
import { insertionCells, insertionPlan, insertRows, type InsertionPlan, type InsertOptions } from './insert-content.js';
import { DEFAULT_RECOLOUR_OPTIONS, nearestPaint, paintOnStartPart, partCells, partColours, recolourRows, startParts, type RecolourOptions, type RecolourPlan } from './recolour.js';
import type { ChangeField, RgbaImage, TransferProgress } from './types.js';

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
   * Without `painted` (a code-slider edit): 'all' (default) carries every pixel's change; 'strong'
   * only where the generator's change is strong (edit-region.ts strongChangeRegion), leaving the
   * rest of the layer as it was instead of repainting it with the generator's entangled drift.
   */
  whole?: 'all' | 'strong';
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

export async function transferEditAsync(input: TransferInput, options: TransferOptions = {}): Promise<TransferResult> {
  const { frames, original, mapping } = input;
  const { pixelRange = [-1, 1], allFrames = false, onProgress, signal } = options;
  checkInput(frames, original, mapping, input.painted, input.paintColour);
  const R = mapping.resolution, K = frames.length - 1;
  const fullRes = { ...DEFAULT_FULL_RES_OPTIONS, ...options.fullRes };
  const estimate = { ...DEFAULT_ESTIMATE_OPTIONS, ...options.estimate };

  // progress: estimation counts as ~25% of a single-frame run (measured: ~25 ms CPU a pair at 64²)
  const renderCount = allFrames ? K : 1;
  const estimateWeight = 0.25 / renderCount;
  const report = (phase: TransferProgress['phase'], done: number, total: number, fraction: number): void => {
    if (onProgress && !signal?.aborted) onProgress({ phase, done, total, fraction });
  };
  const checkpoint = async (): Promise<void> => {
    throwIfAborted(signal);
    await yieldToEventLoop();
    throwIfAborted(signal);
  };

  // 1. frames to [0, 1]
  const [lo, hi] = pixelRange;
  const unit = frames.map((f) => {
    const out = new Float32Array(f.length), k = 1 / (hi - lo);
    for (let i = 0; i < f.length; i++) out[i] = (f[i] - lo) * k;
    return out;
  });

  // 2. step fields and their composition
  const changes: ChangeField[] = [];
  let total = identityChange(R);
  const steps = options.estimateStepsAsync && K > 1
    ? await options.estimateStepsAsync(Array.from({ length: K }, (_, k) => [unit[k], unit[k + 1]] as [Float32Array, Float32Array]), R, estimate)
    : null;
  if (steps && steps.length !== K) throw new Error(`transfer: estimateStepsAsync gave ${steps.length} fields for ${K} frame pairs`);
  for (let k = 0; k < K; k++) {
    await checkpoint();
    const step = steps ? steps[k] : estimateStep(unit[k], unit[k + 1], R, estimate);
    // flows compose by warping; the colour model is refitted 0→k+1 on the composed flow
    total = refitColour(unit[0], unit[k + 1], composeChange(total, step), estimate);
    changes.push(total);
    report('estimate', k + 1, K, estimateWeight * ((k + 1) / K));
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
      const o = { ...DEFAULT_RECOLOUR_OPTIONS, ...options.recolour };
      const under = partColours(original, mapping, input.painted, o.near, o.minShare);
      // only the part under where each stroke starts: paint that runs over other parts is ignored
      const start = input.colourPaths?.length ? startParts(original, mapping, under, input.colourPaths, o.near) : null;
      const palette = start ? start.palette : under;
      if (palette.length) {
        // the part may be cut in two at 64² (an ear over the hair): the fill crosses gaps of up to 2 cells
        const bridged = dilateCells(partCells(original, mapping, palette, o.near), R, 1);
        const painted = start ? paintOnStartPart(input.painted, bridged, start.cells, R) : input.painted;
        region = editRegion(unit[0], unit[K], painted, R, { ...RECOLOUR_REGION, ...options.region }, bridged, bridged);
        plan = { region, target: nearestPaint(input.paintColour, painted, R), palette, options: o };
      }
    }
    if (!plan) {
      const affinity = recolour ? colourAffinity(layerFrame(original, mapping), input.painted, R, options.region) : null;
      region = editRegion(unit[0], unit[K], input.painted, R, options.region, affinity);
    }
  }
  // 3b. code edits: new content the flow cannot carry is brought in from G(z1) (insert-content.ts);
  // in and around it the flow's field (bent trying to explain the new shape) is not applied
  const targets = allFrames ? changes : [changes[changes.length - 1]];
  const insertions = targets.map((change, t) => {
    if (input.painted || options.insert === false || K === 0) return null;
    const k = allFrames ? t : K - 1;
    return insertionFor(unit[0]!, unit[k + 1]!, change!, original, mapping, options.insert || {});
  });
  // in and around the insertion the field is bent by the new shape: not carried, but on the old
  // content well inside it (insert-content.ts `carried`), for the samples the labels give to it
  let inside: Float32Array | null = null, ring: Float32Array | null = null;
  for (const ins of insertions) {
    if (!ins) continue;
    inside ??= new Float32Array(R * R);
    ring ??= new Float32Array(R * R);
    const near = dilateCells(ins.cells, R, 2);
    for (let p = 0; p < R * R; p++) { inside[p] = Math.max(inside[p]!, ins.carried[p]!); ring[p] = Math.max(ring[p]!, near[p]!); }
  }
  if (!input.painted && input.whole === 'strong') region = strongChangeRegion(unit[0], unit[K], R, options.strongChange ?? STRONG_CHANGE, undefined, ring, options.strongRelative ?? STRONG_RELATIVE);
  if (inside && ring) {
    region = region ? region.slice() : new Float32Array(R * R).fill(1);
    for (let p = 0; p < R * R; p++) if (ring[p]! > 0) region[p] = inside[p]! > 0 ? 1 : 0;
  }
  // beyond the guided filter's reach of the region, the field is forced to exactly the identity
  const support = region ? regionSupport(region, R, fullRes.guideRadius + 1) : null;

  // 4. full resolution
  await checkpoint();
  const grid = midGrid(original, mapping, fullRes);
  const rendered: RgbaImage[] = [];
  const { width: W, height: H } = original;
  const band = Math.max(1, Math.floor(262144 / W)); // ~256k pixels between checkpoints
  const totalRows = H * targets.length;
  for (let t = 0; t < targets.length; t++) {
    await checkpoint();
    const amount = allFrames ? (t + 1) / targets.length : 1;
    const insertion = insertions[t];
    const rr = plan ? null : rowRenderer(original, grid, midField(region ? confineChange(targets[t], region) : targets[t], mapping, grid, fullRes.outside, support));
    const out = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y += band) {
      if (y > 0) await checkpoint();
      const y1 = Math.min(H, y + band);
      if (rr) renderRows(rr, out, y, y1);
      else recolourRows(original, mapping, plan!, amount, out, y, y1);
      if (insertion) insertRows(insertion, mapping, out, W, y, y1);
      const done = t * H + y1;
      const before = K > 0 ? estimateWeight : 0;
      report('render', done, totalRows, before + (1 - before) * (done / totalRows));
    }
    rendered.push({ width: W, height: H, data: out });
  }
  const final = rendered[rendered.length - 1];
  return allFrames ? { final, frames: rendered, changes, region } : { final, changes, region };
}

/** The content to insert for the change first → last (null: the flow explains all of it). */
function insertionFor(first: Float32Array, last: Float32Array, change: ChangeField, original: RgbaImage, mapping: FrameMapping, o: Partial<InsertOptions>): InsertionPlan | null {
  const cells = insertionCells(first, last, change, o);
  return cells ? insertionPlan(first, last, change, cells, original, mapping, o) : null;
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
