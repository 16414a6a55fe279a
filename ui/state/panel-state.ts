/**
 * The panel's state: what the designer sees and works on, as plain data, so the reducer
 * (reduce.ts) can be tested by sending events and Preact only draws it.
 */
import type { AssetInfo, EditRecord, SelectionState } from '../../protocol/messages';
import type { FrameMapping } from '../../engine/image/frame';
import type { Stroke } from '../../engine/brushes/strokes';
import type { PackSummary } from '../../engine/worker/protocol';
import type { Capabilities } from '../capabilities';
import type { Backdrops, Rgba } from '../worker/protocol';

export type Tool = 'color' | 'sketch' | 'warp' | 'eraser';
export type EngineHost = 'worker' | 'page';
export type ApplyVariant = 'final' | 'sequence' | 'candidates';
export type Rgb = [number, number, number];

/** The strokes the panel paints (sketch-raster is a CLI-only input). */
export type PanelStroke = Exclude<Stroke, { kind: 'sketch-raster' }>;

export interface EngineState {
  /** waiting: assets still streaming; none: this build ships no model pack. */
  status: 'waiting' | 'loading' | 'ready' | 'failed' | 'none';
  /** Pack ids that were streamed in (the picker shows when there is more than one). */
  packs: string[];
  packId: string | null;
  pack: PackSummary | null;
  /** 'webgpu' or 'wasm' once the engine runs. */
  backend: string | null;
  /**
   * Where the engine runs once it runs: the compute worker, or the panel's own thread (only on
   * WebGPU, where the panel has an adapter and its worker has none: `srcdoc` hosting).
   */
  host: EngineHost | null;
  /**
   * Why the engine runs on this backend, in words, once that was decided by more than the
   * adapter's presence: a software adapter passed over, or an edit step timed on both (the badge's tooltip).
   */
  choice?: string | null;
  /** Workers sharing each batch on wasm (the compute worker and its helpers), once the engine runs. */
  workers?: number;
  error: string | null;
}

export interface Candidates {
  /** [B, R, R, 4] RGBA. */
  images: Uint8ClampedArray;
  /** [B, L] latents. */
  z: Float32Array;
  loss: Float32Array;
  /** Kept candidates, best first (batch indices). */
  order: number[];
  step: number;
  steps: number;
  final: boolean;
  count: number;
}

export interface Projection {
  z: Float32Array;
  /** G(z) as RGBA R×R. */
  image: Uint8ClampedArray;
  /** Mean squared pixel error on the frame (pack range), NaN when restored from a record. */
  pixelError: number;
  encoderPixelError: number;
  mapping: FrameMapping;
  /** The InfoGAN code values of z (what Reset returns the controls to). */
  codes: Record<string, number>;
}

export interface Sequence {
  latents: Float32Array;
  images: Uint8ClampedArray;
  frames: number;
  /** The candidate (batch index) it leads to. */
  target: number;
  /** The last frame over two backdrops (render-sequence.ts), for the transfer; absent or null: none. */
  backdrops?: Backdrops | null;
  /** The strokes of the edit when it came (the store sets it): a stroke since makes it an old edit's. */
  strokes?: PanelStroke[];
}

export interface EditState {
  nodeId: string;
  name: string;
  width: number;
  height: number;
  /** The source's bytes as read (the transfer runs on them at full resolution). */
  bytes: Uint8Array;
  mime: string;
  /** Passed back with apply / into the record (see SelectedImage). */
  revision?: string;
  imageHash?: string;
  /** The source decoded (for the eyedropper and projection); null until decoded. */
  pixels: Rgba | null;
  status: 'idle' | 'projecting' | 'projected' | 'failed';
  progress: { done: number; total: number; pixelError?: number; image?: Uint8ClampedArray } | null;
  /** Errors where they happened: projecting, optimising, the sequence. */
  projectError: string | null;
  editError: string | null;
  projection: Projection | null;
  codes: Record<string, number>;
  strokes: PanelStroke[];
  redo: PanelStroke[];
  candidates: Candidates | null;
  optimising: boolean;
  /** The candidate on the canvas (batch index); null follows the best. */
  selected: number | null;
  /** Candidates picked for "Apply selected candidates". */
  picked: number[];
  sequence: Sequence | null;
  /** Sequence frame on the canvas; null shows the candidate. */
  frame: number | null;
  playing: boolean;
  /** The record this edit was restored from (relaunch / continue). */
  restored: EditRecord | null;
  /** z0 of the engine's edit session as it last said (after a code change or a fix it differs from the projection). */
  z0: Float32Array | null;
  /**
   * The candidates on screen are not the engine's batch (the edit was resumed: the engine's batch
   * is a new one around z0), so Fix sends the candidate's latent rather than its index.
   */
  resumed: boolean;
  /**
   * The transfer of the chosen candidate's edit onto the layer at the canvas's size (issue 17): what
   * Apply will write, for `key` (preview-target.ts) and sequence frame `frame`. Kept while a newer
   * one is worked on (the canvas then says it is being brought up to date).
   */
  preview: PreviewImage | null;
  /** Why the last preview could not be made (the canvas says so quietly); null when it could. */
  previewError: string | null;
}

export interface PreviewImage {
  key: string;
  frame: number;
  image: Rgba;
}

export interface BrushState {
  tool: Tool;
  color: Rgb;
  /** Recently used colours, newest first, as #rrggbb. */
  recent: string[];
  /** Brush diameter in frame pixels (the pack's R×R frame). */
  width: number;
  eyedropper: boolean;
  overlay: boolean;
}

export interface ApplyState {
  status: 'idle' | 'working' | 'done' | 'failed';
  requestId?: string;
  message?: string;
  nodeIds?: string[];
  /** What the main thread said beyond “added” (the source changed, was deleted, is on another page). */
  notes?: string[];
  fraction?: number;
  /** What was applied (the status line says what was added, whatever the picker shows now). */
  variant?: ApplyVariant;
  /** Frames or layers written. */
  count?: number;
}

/** A result the panel wrote in this session (to say what an Undo in the document removed). */
export interface WrittenResult {
  nodeIds: string[];
  sourceName: string;
  variant: ApplyVariant;
  count: number;
}

/** What the big canvas shows: the layer and the preview of the edit, or the model's own images. */
export interface ViewState {
  /** The model's view, toggled: G(z) and the projection at the pack's resolution, as the model sees them. */
  model: boolean;
  /** The model's view while a key is held. */
  peek: boolean;
}

export interface PanelState {
  command: string;
  view: ViewState;
  assets: { expected: AssetInfo[]; received: string[]; status: 'waiting' | 'loading' | 'ready' | 'failed'; error?: string };
  caps: Capabilities | null;
  /** null until the main thread has told us. */
  selection: SelectionState | null;
  engine: EngineState;
  edit: EditState | null;
  brush: BrushState;
  variant: ApplyVariant;
  apply: ApplyState;
  /** The last message the host or the panel rejected. */
  lastError: string | null;
  /**
   * A short notice for the designer that is not an error, e.g. "The GPU stopped responding;
   * continuing on the CPU (slower)." Shown until dismissed or the model restarts.
   */
  notice: string | null;
  /** True once a relaunch ('edit' command) restore was attempted, so it happens once. */
  relaunchHandled: boolean;
  /**
   * The edits of layers not on screen, by `editKey` (node and source revision), most recent last:
   * selecting the layer again resumes its edit (projection, strokes, candidates, codes).
   */
  kept: EditState[];
  /** Results written in this session, and what an Undo in the document removed of them (said once). */
  written: WrittenResult[];
  undone: string | null;
  /** Seconds the last projection took on this engine (the estimate beside Project); null until measured. */
  projectSeconds: number | null;
}

/** Edits kept while the plugin is open: at most this many layers' edits besides the one on screen. */
export const MAX_KEPT_EDITS = 8;

export const MAX_SHOWN_CANDIDATES = 16;
export const MAX_RECENT_COLOURS = 8;
export const WIDTH_RANGE: readonly [number, number] = [1, 24];

export const initialState: PanelState = {
  command: '',
  view: { model: false, peek: false },
  assets: { expected: [], received: [], status: 'waiting' },
  caps: null,
  selection: null,
  engine: { status: 'waiting', packs: [], packId: null, pack: null, backend: null, host: null, error: null },
  edit: null,
  brush: { tool: 'color', color: [220, 38, 38], recent: [], width: 6, eyedropper: false, overlay: true },
  variant: 'final',
  apply: { status: 'idle' },
  lastError: null,
  notice: null,
  relaunchHandled: false,
  kept: [],
  written: [],
  undone: null,
  projectSeconds: null,
};
