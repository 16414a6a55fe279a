/** What a transfer takes and gives (transfer-edit.ts), and the check of its input. */
import { checkMapping, type FrameMapping } from './frame-mapping.js';
import type { EstimateOptions } from './estimate-step.js';
import type { FullResOptions } from './full-res-field.js';
import type { RegionOptions } from './edit-region.js';
import type { InsertOptions } from './insert-content.js';
import type { LargeInsertOptions } from './large-insertions.js';
import type { SmallInsertOptions } from './small-insertions.js';
import type { SnapOptions } from './snap-tones.js';
import type { FragmentOptions } from './leftover-fragments.js';
import type { MissedShapeOptions } from './missed-shapes.js';
import type { OrphanEdgeOptions } from './orphan-edges.js';
import type { RecolourOptions } from './recolour.js';
import type { ColourCodePaintOptions } from './colour-code-paint.js';
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
   * After a shape code's change (`reshaped`, with `snap`): the small pieces left of a flat shape the
   * edit took away for the most part (a pigtail's tip beside a bald head) are removed, in the
   * colours around them (leftover-fragments.ts). false: off.
   */
  fragments?: Partial<FragmentOptions> | false;
  /**
   * After a shape code's change (`reshaped`, with `snap`): when the carried edit shows almost none of
   * the generator's change (a nose redrawn a few levels off the skin), that change is drawn in the
   * layer's own tones (missed-shapes.ts). false: off.
   */
  missedShapes?: Partial<MissedShapeOptions> | false;
  /**
   * After a shape code's change (`reshaped`, with `snap`), last: the antialiased outline of a shape
   * the edit removed or reshaped, left between one colour on both sides, takes that colour
   * (orphan-edges.ts). false: off.
   */
  orphanEdges?: Partial<OrphanEdgeOptions> | false;
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

/** Throws a RangeError naming the first input that does not fit the frame mapping or the size limit. */
export function checkInput(frames: readonly Float32Array[], original: RgbaImage, mapping: FrameMapping, painted: Float32Array | null | undefined, paintColour: Float32Array | null | undefined): void {
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
