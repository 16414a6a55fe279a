/**
 * Panel state as a plain reducer: events in, state out. Preact only draws it and the
 * controller (ui/controller.ts, its operations in ui/ops/ and ui/engine-host/) turns intents
 * into engine requests whose answers come back here as events, so the panel's behaviour is
 * tested by sending events (test/ui/).
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

/** Edits kept while the plugin is open: at most this many layers' edits besides the one on screen. */
export const MAX_KEPT_EDITS = 8;

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

export type PanelEvent =
  | { type: 'init'; command: string; assets: AssetInfo[] }
  | { type: 'asset-received'; name: string }
  | { type: 'assets-failed'; error: string }
  | { type: 'caps'; caps: Capabilities }
  | { type: 'selection'; selection: SelectionState }
  | { type: 'engine-loading'; packId: string }
  | { type: 'engine-ready'; pack: PackSummary; backend: string; notice?: string | null; host?: EngineHost; workers?: number }
  /** The engine moved to another backend while running (the GPU was lost: it continues on the CPU), maybe to another host. */
  | { type: 'backend-changed'; backend: string; notice: string | null; host?: EngineHost; workers?: number }
  /** Why this backend (a step timed on WebGPU and on wasm, or a software adapter passed over): for the badge's tooltip. */
  | { type: 'backend-choice'; text: string }
  | { type: 'dismiss-notice' }
  | { type: 'engine-failed'; message: string }
  | { type: 'decoded'; nodeId: string; pixels: Rgba }
  | { type: 'decode-failed'; nodeId: string; message: string }
  | { type: 'project-start' }
  /** `image`: the best image so far (the encoder's guess first), RGBA R×R. */
  | { type: 'project-progress'; done: number; total: number; pixelError?: number; image?: Uint8ClampedArray }
  /** `seconds`: how long the projection took (the next one's estimate). */
  | { type: 'projected'; projection: Projection; seconds?: number }
  | { type: 'project-failed'; message: string }
  | { type: 'restore'; record: EditRecord; projection: Projection; strokes: PanelStroke[] }
  | { type: 'relaunch-handled' }
  | { type: 'tool'; tool: Tool }
  | { type: 'color'; color: Rgb }
  | { type: 'width'; width: number }
  | { type: 'eyedropper'; on: boolean }
  | { type: 'overlay'; on: boolean }
  | { type: 'stroke'; stroke: PanelStroke }
  | { type: 'undo-stroke' }
  | { type: 'redo-stroke' }
  | { type: 'edit-start' }
  | { type: 'candidates'; candidates: Candidates; codes: Record<string, number>; z0?: Float32Array }
  /** The engine starts a new batch (a code, fix, reset): batch indices mean new candidates, so the canvas follows the best again. */
  | { type: 'new-batch' }
  /** The resumed edit's engine session is seeded again (its batch is not the one on screen). */
  | { type: 'resumed' }
  | { type: 'edit-failed'; message: string }
  | { type: 'edit-cancelled' }
  | { type: 'select-candidate'; index: number; additive?: boolean }
  | { type: 'sequence'; sequence: Sequence }
  | { type: 'sequence-failed'; message: string }
  | { type: 'frame'; frame: number | null }
  | { type: 'play'; on: boolean }
  | { type: 'tick' }
  | { type: 'code'; name: string; value: number }
  | { type: 'reset' }
  | { type: 'variant'; variant: ApplyVariant }
  /** `count`: the layers or frames it writes. */
  | { type: 'apply-start'; requestId: string; count?: number }
  | { type: 'apply-progress'; requestId: string; fraction: number }
  | { type: 'applied'; requestId: string; nodeIds: string[]; notes?: string[] }
  /** Layers the panel wrote are gone from the document (an Undo there). */
  | { type: 'results-removed'; nodeIds: string[] }
  | { type: 'apply-failed'; requestId?: string; message: string }
  | { type: 'error'; message: string }
  /** The preview of the edit for `key` (preview-target.ts), frame `frame`, is ready. */
  | { type: 'preview'; key: string; frame: number; image: Rgba }
  | { type: 'preview-failed'; key: string; message: string }
  /** The model's view on or off: `held` while its key is held, else the toggle. */
  | { type: 'model-view'; on: boolean; held?: boolean };

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

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

type EditSource = Pick<EditState, 'nodeId' | 'name' | 'width' | 'height' | 'bytes' | 'mime' | 'revision' | 'imageHash'>;

function newEdit(image: EditSource): EditState {
  return {
    nodeId: image.nodeId, name: image.name, width: image.width, height: image.height, bytes: image.bytes, mime: image.mime,
    revision: image.revision, imageHash: image.imageHash, pixels: null,
    status: 'idle', progress: null, projectError: null, editError: null, projection: null, codes: {},
    strokes: [], redo: [], candidates: null, optimising: false, selected: null, picked: [],
    sequence: null, frame: null, playing: false, restored: null, z0: null, resumed: false,
    preview: null, previewError: null,
  };
}

/** Which kept edit a layer resumes: the same node at the same source revision (an edited layer starts afresh). */
export function editKey(e: { nodeId: string; revision?: string }): string {
  return `${e.nodeId}@${e.revision ?? ''}`;
}

/** `kept` with `edit` put away (when it has a projection to come back to), newest last, at most MAX_KEPT_EDITS. */
function keep(kept: EditState[], edit: EditState | null): EditState[] {
  if (!edit || edit.status !== 'projected') return kept;
  // The engine's work on it stopped: it resumes at rest.
  const resting: EditState = { ...edit, optimising: false, playing: false };
  return [...kept.filter((k) => k.nodeId !== edit.nodeId), resting].slice(-MAX_KEPT_EDITS);
}

/** The kept candidates in display order (best first), at most 16. */
export function shownCandidates(c: Candidates | null): number[] {
  return c ? c.order.slice(0, MAX_SHOWN_CANDIDATES) : [];
}

/** The batch index on the canvas: the one the user chose if still kept, else the best. */
export function currentCandidate(edit: EditState | null): number | null {
  const c = edit?.candidates;
  if (!c || !c.order.length) return null;
  if (edit.selected !== null && edit.selected < c.count) return edit.selected;
  return c.order[0];
}

/** The latent of a candidate, [L]. */
export function candidateLatent(c: Candidates, index: number): Float32Array {
  const L = c.z.length / c.count;
  return c.z.slice(index * L, (index + 1) * L);
}

/** What the canvas shows: a sequence frame, the chosen candidate, or the projection. */
export function canvasImage(edit: EditState | null, R: number): Uint8ClampedArray | null {
  if (!edit) return null;
  const n = R * R * 4;
  if (edit.frame !== null && edit.sequence && edit.frame < edit.sequence.frames) return edit.sequence.images.subarray(edit.frame * n, (edit.frame + 1) * n);
  const k = currentCandidate(edit);
  if (k !== null && edit.candidates) return edit.candidates.images.subarray(k * n, (k + 1) * n);
  return edit.projection?.image ?? null;
}

/** Whether an edit has something to apply (a change from the projection). */
export function canApply(state: PanelState): boolean {
  const e = state.edit;
  if (!e || e.status !== 'projected' || !e.candidates || state.apply.status === 'working') return false;
  if (state.variant === 'candidates') return e.picked.length > 0 || shownCandidates(e.candidates).length > 0;
  return currentCandidate(e) !== null;
}

/** Recent colours seeded from restored strokes: their colours, the last stroke's first, then those already there; no repeats, at most MAX_RECENT_COLOURS. */
export function withRestoredColours(recent: string[], strokes: PanelStroke[]): string[] {
  const painted = strokes.flatMap((s) => (s.kind === 'color' ? [toHex(s.color)] : [])).reverse();
  return [...new Set([...painted, ...recent])].slice(0, MAX_RECENT_COLOURS);
}

function withEdit(state: PanelState, change: (e: EditState) => Partial<EditState>): PanelState {
  if (!state.edit) return state;
  return { ...state, edit: { ...state.edit, ...change(state.edit) } };
}

/** Strokes only make sense on a projected edit. */
function withProjected(state: PanelState, change: (e: EditState) => Partial<EditState>): PanelState {
  if (state.edit?.status !== 'projected') return state;
  return withEdit(state, change);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function reduceSelection(state: PanelState, sel: SelectionState): PanelState {
  // Selecting something else clears the outcome of the last apply; the result itself
  // (which the main thread selects after writing it) keeps it, and keeps the edit going.
  const isResult = sel.kind === 'image' && (state.apply.nodeIds ?? []).includes(sel.image.nodeId);
  const apply = state.apply.status === 'working' || isResult ? state.apply : { status: 'idle' as const };
  let edit = state.edit;
  let kept = state.kept;
  const away = (sel.kind === 'image' && !isResult && sel.image.nodeId !== edit?.nodeId) || (sel.kind !== 'image' && state.apply.status !== 'working');
  if (away) {
    // The edit on screen is kept; the layer's own kept edit comes back if its source is unchanged.
    kept = keep(kept, edit);
    edit = null;
    if (sel.kind === 'image') {
      const key = editKey(sel.image);
      const back = kept.find((k) => editKey(k) === key);
      kept = kept.filter((k) => k.nodeId !== sel.image.nodeId);
      edit = back ?? newEdit(sel.image);
    }
  } else if (sel.kind === 'image' && edit && sel.image.nodeId === edit.nodeId && sel.image.revision !== edit.revision) {
    // The same layer, changed since: its edit belongs to the old pixels.
    edit = newEdit(sel.image);
  }
  if (edit && edit !== state.edit && edit.playing) edit = { ...edit, playing: false };
  return { ...state, selection: sel, apply, edit, kept };
}

/** Words for what an Undo in the document removed of the panel's results. */
function undoneText(r: WrittenResult): string {
  const what = r.variant === 'sequence' ? 'the sequence frame' : r.count === 1 ? 'the result layer' : `the ${r.count} result layers`;
  return `Undo removed ${what} made from “${r.sourceName}”. Its edit is kept: select “${r.sourceName}” to go on, or Apply again.`;
}

export function reduce(state: PanelState, event: PanelEvent): PanelState {
  switch (event.type) {
    case 'init': {
      const packs = [...new Set(event.assets.filter((a) => a.kind === 'pack-file' && a.packId).map((a) => a.packId!))];
      const engine: EngineState = { ...state.engine, packs, status: packs.length ? 'waiting' : 'none' };
      return { ...state, command: event.command, engine, assets: { expected: event.assets, received: [], status: event.assets.length ? 'loading' : 'ready' } };
    }
    case 'asset-received': {
      const received = [...state.assets.received, event.name];
      const status = received.length >= state.assets.expected.length ? 'ready' : 'loading';
      return { ...state, assets: { ...state.assets, received, status } };
    }
    case 'assets-failed':
      return { ...state, assets: { ...state.assets, status: 'failed', error: event.error }, engine: { ...state.engine, status: 'failed', error: event.error } };
    case 'caps':
      return { ...state, caps: event.caps };
    case 'selection':
      return reduceSelection(state, event.selection);
    case 'engine-loading':
      // A new pack: any projection belongs to the old model (kept edits too).
      return {
        ...state,
        kept: [],
        engine: { ...state.engine, status: 'loading', packId: event.packId, pack: null, backend: null, host: null, error: null },
        edit: state.edit ? { ...newEdit(state.edit), pixels: state.edit.pixels } : null,
        notice: null,
      };
    case 'engine-ready':
      return { ...state, projectSeconds: null, engine: { ...state.engine, status: 'ready', pack: event.pack, packId: event.pack.id, backend: event.backend, host: event.host ?? 'worker', workers: event.workers ?? 1, error: null }, notice: event.notice ?? null };
    case 'backend-changed':
      // The edit goes on where it was (same projection, strokes, candidates): only where it runs changed;
      // the measured projection time (the next estimate) belongs to the old backend.
      if (state.engine.status !== 'ready') return state;
      return { ...state, projectSeconds: event.backend === state.engine.backend ? state.projectSeconds : null, engine: { ...state.engine, backend: event.backend, host: event.host ?? state.engine.host, workers: event.workers ?? state.engine.workers }, notice: event.notice ?? state.notice };
    case 'backend-choice':
      return { ...state, engine: { ...state.engine, choice: event.text } };
    case 'dismiss-notice':
      return state.notice === null ? state : { ...state, notice: null };
    case 'engine-failed':
      return { ...state, engine: { ...state.engine, status: 'failed', error: event.message } };
    case 'decoded':
      if (state.edit?.nodeId !== event.nodeId) return state;
      return withEdit(state, () => ({ pixels: event.pixels }));
    case 'decode-failed':
      if (state.edit?.nodeId !== event.nodeId) return state;
      return withEdit(state, () => ({ status: 'failed', projectError: event.message }));
    case 'project-start':
      return withEdit(state, (e) => ({ ...newEdit(e), pixels: e.pixels, status: 'projecting', progress: { done: 0, total: 1 } }));
    case 'project-progress':
      if (state.edit?.status !== 'projecting') return state;
      // The image stays until a better one comes (most progress reports carry none).
      return withEdit(state, (e) => ({ progress: { done: event.done, total: event.total, pixelError: event.pixelError, image: event.image ?? e.progress?.image } }));
    case 'projected': {
      if (state.edit?.status !== 'projecting') return state;
      const projected = withEdit(state, () => ({ status: 'projected', progress: null, projection: event.projection, codes: event.projection.codes, z0: event.projection.z }));
      return event.seconds !== undefined && Number.isFinite(event.seconds) ? { ...projected, projectSeconds: event.seconds } : projected;
    }
    case 'project-failed':
      return withEdit(state, () => ({ status: 'failed', progress: null, projectError: event.message }));
    case 'restore': {
      const restored = withEdit(state, (e) => ({
        ...newEdit(e), pixels: e.pixels, status: 'projected', projection: event.projection, codes: event.projection.codes,
        strokes: event.strokes, restored: event.record, z0: event.projection.z,
      }));
      if (restored === state) return state;
      // The restored strokes' colours are the designer's recent colours (the last painted first).
      return { ...restored, brush: { ...restored.brush, recent: withRestoredColours(state.brush.recent, event.strokes) } };
    }
    case 'relaunch-handled':
      return { ...state, relaunchHandled: true };
    case 'tool':
      return { ...state, brush: { ...state.brush, tool: event.tool, eyedropper: false } };
    case 'color': {
      const hex = toHex(event.color);
      const recent = [hex, ...state.brush.recent.filter((c) => c !== hex)].slice(0, MAX_RECENT_COLOURS);
      // Picking a colour means painting with it.
      return { ...state, brush: { ...state.brush, color: event.color, recent, eyedropper: false, tool: 'color' } };
    }
    case 'width':
      return { ...state, brush: { ...state.brush, width: clamp(Math.round(event.width), WIDTH_RANGE[0], WIDTH_RANGE[1]) } };
    case 'eyedropper':
      return { ...state, brush: { ...state.brush, eyedropper: event.on } };
    case 'overlay':
      return { ...state, brush: { ...state.brush, overlay: event.on } };
    case 'stroke': {
      const painted = withProjected(state, (e) => ({ strokes: [...e.strokes, event.stroke], redo: [], frame: null, playing: false }));
      // New work: what the last Undo removed is no longer the news.
      return painted !== state && painted.undone ? { ...painted, undone: null } : painted;
    }
    case 'undo-stroke':
      return withProjected(state, (e) => (e.strokes.length ? { strokes: e.strokes.slice(0, -1), redo: [e.strokes[e.strokes.length - 1], ...e.redo] } : {}));
    case 'redo-stroke':
      return withProjected(state, (e) => (e.redo.length ? { strokes: [...e.strokes, e.redo[0]], redo: e.redo.slice(1) } : {}));
    case 'edit-start':
      return withProjected(state, () => ({ optimising: true, editError: null }));
    case 'candidates':
      return withProjected(state, (e) => {
        const c = event.candidates;
        // A new batch (fix, reset, a new pack) can be smaller than the old one.
        const selected = e.selected !== null && e.selected < c.count ? e.selected : null;
        const picked = e.picked.filter((i) => i < c.count);
        // The sequence led to a latent of the old batch: drop it once the batch has moved on.
        return { candidates: c, codes: event.codes, optimising: !c.final, selected, picked, sequence: null, frame: null, playing: false, editError: null, z0: event.z0 ?? e.z0, resumed: false };
      });
    case 'new-batch':
      return withProjected(state, () => ({ selected: null, picked: [], sequence: null, frame: null, playing: false }));
    case 'resumed':
      return withProjected(state, () => ({ resumed: true }));
    case 'edit-failed':
      return withEdit(state, () => ({ optimising: false, editError: event.message }));
    case 'edit-cancelled':
      return withEdit(state, () => ({ optimising: false }));
    case 'select-candidate':
      return withProjected(state, (e) => {
        if (!e.candidates || event.index < 0 || event.index >= e.candidates.count) return {};
        const sequence = e.sequence?.target === event.index ? e.sequence : null;
        if (!event.additive) return { selected: event.index, picked: [event.index], frame: null, playing: false, sequence };
        const picked = e.picked.includes(event.index) ? e.picked.filter((i) => i !== event.index) : [...e.picked, event.index];
        return { picked, selected: event.index, frame: null, playing: false, sequence };
      });
    case 'sequence':
      return withProjected(state, (e) => ({ sequence: { ...event.sequence, strokes: e.strokes }, frame: e.frame !== null ? Math.min(e.frame, event.sequence.frames - 1) : null }));
    case 'sequence-failed':
      return withEdit(state, () => ({ editError: event.message, playing: false }));
    case 'frame':
      return withProjected(state, (e) => ({ frame: e.sequence && event.frame !== null ? clamp(Math.round(event.frame), 0, e.sequence.frames - 1) : null, playing: false }));
    case 'play':
      return withProjected(state, (e) => {
        if (!event.on || !e.sequence) return { playing: false };
        const atEnd = e.frame === null || e.frame >= e.sequence.frames - 1;
        return { playing: true, frame: atEnd ? 0 : e.frame };
      });
    case 'tick':
      return withProjected(state, (e) => {
        if (!e.playing || !e.sequence) return {};
        const next = (e.frame ?? -1) + 1;
        // Plays once to the end and rests there, showing the result.
        return next >= e.sequence.frames ? { playing: false, frame: e.sequence.frames - 1 } : { frame: next };
      });
    case 'code':
      return withProjected(state, (e) => ({ codes: { ...e.codes, [event.name]: event.value } }));
    case 'reset':
      return withProjected(state, (e) => ({
        strokes: [], redo: [], candidates: null, selected: null, picked: [], sequence: null, frame: null, playing: false, preview: null, previewError: null,
        optimising: false, editError: null, codes: e.projection?.codes ?? {},
      }));
    case 'variant':
      // The line under the footer then says what Apply will do, not what the last one did.
      return { ...state, variant: event.variant, apply: state.apply.status === 'working' ? state.apply : { status: 'idle' } };
    case 'apply-start':
      return { ...state, undone: null, apply: { status: 'working', requestId: event.requestId, fraction: 0, variant: state.variant, count: event.count } };
    case 'apply-progress':
      if (state.apply.requestId !== event.requestId || state.apply.status !== 'working') return state;
      return { ...state, apply: { ...state.apply, fraction: event.fraction } };
    case 'applied': {
      if (state.apply.requestId !== event.requestId) return state;
      const variant = state.apply.variant ?? state.variant;
      const count = state.apply.count ?? event.nodeIds.length;
      const written = state.edit ? [...state.written, { nodeIds: event.nodeIds, sourceName: state.edit.name, variant, count }] : state.written;
      return { ...state, written, apply: { status: 'done', requestId: event.requestId, nodeIds: event.nodeIds, variant, count, ...(event.notes ? { notes: event.notes } : {}) } };
    }
    case 'results-removed': {
      const gone = new Set(event.nodeIds);
      const removed = state.written.filter((r) => r.nodeIds.some((id) => gone.has(id)));
      if (!removed.length) return state;
      const written = state.written.filter((r) => !removed.includes(r));
      const applyGone = (state.apply.nodeIds ?? []).some((id) => gone.has(id));
      return { ...state, written, undone: undoneText(removed[removed.length - 1]), apply: applyGone ? { status: 'idle' } : state.apply };
    }
    case 'apply-failed':
      if (event.requestId !== undefined && state.apply.requestId !== event.requestId) return state;
      // A late error for a request already settled (written, or given up on after the wait) changes nothing.
      if (event.requestId !== undefined && state.apply.status !== 'working') return state;
      return { ...state, apply: { status: 'failed', requestId: event.requestId, message: event.message } };
    case 'error':
      return { ...state, lastError: event.message };
    case 'preview':
      return withProjected(state, () => ({ preview: { key: event.key, frame: event.frame, image: event.image }, previewError: null }));
    case 'preview-failed':
      return withProjected(state, () => ({ previewError: event.message }));
    case 'model-view':
      return { ...state, view: event.held ? { ...state.view, peek: event.on } : { ...state.view, model: event.on } };
  }
}

export interface Store {
  get(): PanelState;
  dispatch(event: PanelEvent): void;
  subscribe(listener: (state: PanelState) => void): () => void;
}

export function createStore(state: PanelState = initialState): Store {
  const listeners = new Set<(state: PanelState) => void>();
  return {
    get: () => state,
    dispatch(event) {
      const next = reduce(state, event);
      if (next === state) return;
      state = next;
      for (const l of listeners) l(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
