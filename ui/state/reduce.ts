/**
 * Panel state as a plain reducer: events in, state out. Preact only draws it and the
 * controller (ui/controller.ts, its operations in ui/ops/ and ui/engine-host/) turns intents
 * into engine requests whose answers come back here as events, so the panel's behaviour is
 * tested by sending events (test/ui/).
 */
import type { SelectionState } from '../../protocol/messages';
import { toHex, withRestoredColours } from './colours';
import type { PanelEvent } from './panel-events';
import {
  MAX_KEPT_EDITS, MAX_RECENT_COLOURS, WIDTH_RANGE,
  type EditState, type EngineState, type PanelState, type WrittenResult,
} from './panel-state';
import { editKey } from './selectors';

/** The state after `event`; each area of the panel has its own reducer below. */
export function reduce(state: PanelState, event: PanelEvent): PanelState {
  switch (event.type) {
    case 'init':
    case 'asset-received':
    case 'assets-failed':
    case 'caps':
    case 'engine-loading':
    case 'engine-ready':
    case 'backend-changed':
    case 'backend-choice':
    case 'dismiss-notice':
    case 'engine-failed':
      return reduceEngine(state, event);
    case 'selection':
      return reduceSelection(state, event.selection);
    case 'decoded':
    case 'decode-failed':
    case 'project-start':
    case 'project-progress':
    case 'projected':
    case 'project-failed':
    case 'restore':
    case 'relaunch-handled':
      return reduceProjection(state, event);
    case 'tool':
    case 'color':
    case 'width':
    case 'eyedropper':
    case 'overlay':
      return reduceBrush(state, event);
    case 'stroke':
    case 'undo-stroke':
    case 'redo-stroke':
    case 'edit-start':
    case 'candidates':
    case 'new-batch':
    case 'resumed':
    case 'edit-failed':
    case 'edit-cancelled':
    case 'select-candidate':
    case 'code':
    case 'reset':
      return reduceEdit(state, event);
    case 'sequence':
    case 'sequence-failed':
    case 'frame':
    case 'play':
    case 'tick':
      return reduceSequence(state, event);
    case 'variant':
    case 'apply-start':
    case 'apply-progress':
    case 'applied':
    case 'results-removed':
    case 'apply-failed':
      return reduceApply(state, event);
    case 'error':
      return { ...state, lastError: event.message };
    case 'preview':
    case 'preview-failed':
    case 'model-view':
      return reduceView(state, event);
  }
}

/** The events one area's reducer takes. */
type EventOf<T extends PanelEvent['type']> = Extract<PanelEvent, { type: T }>;

type EngineEvent = EventOf<'init' | 'asset-received' | 'assets-failed' | 'caps' | 'engine-loading' | 'engine-ready' | 'backend-changed' | 'backend-choice' | 'dismiss-notice' | 'engine-failed'>;

/** The assets streaming in, the host's capabilities, and the engine they start. */
function reduceEngine(state: PanelState, event: EngineEvent): PanelState {
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
  }
}

/** The main thread's selection changed: which edit is on screen, and whether the last apply's outcome still shows. */
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

/** `kept` with `edit` put away (when it has a projection to come back to), newest last, at most MAX_KEPT_EDITS. */
function keep(kept: EditState[], edit: EditState | null): EditState[] {
  if (!edit || edit.status !== 'projected') return kept;
  // The engine's work on it stopped: it resumes at rest.
  const resting: EditState = { ...edit, optimising: false, playing: false };
  return [...kept.filter((k) => k.nodeId !== edit.nodeId), resting].slice(-MAX_KEPT_EDITS);
}

type ProjectionEvent = EventOf<'decoded' | 'decode-failed' | 'project-start' | 'project-progress' | 'projected' | 'project-failed' | 'restore' | 'relaunch-handled'>;

/** The layer's pixels and their projection onto the model, or a projection restored from a result's record. */
function reduceProjection(state: PanelState, event: ProjectionEvent): PanelState {
  switch (event.type) {
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
  }
}

type BrushEvent = EventOf<'tool' | 'color' | 'width' | 'eyedropper' | 'overlay'>;

/** The brush: tool, colour, width, eyedropper and stroke overlay. */
function reduceBrush(state: PanelState, event: BrushEvent): PanelState {
  switch (event.type) {
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
  }
}

type EditEvent = EventOf<'stroke' | 'undo-stroke' | 'redo-stroke' | 'edit-start' | 'candidates' | 'new-batch' | 'resumed' | 'edit-failed' | 'edit-cancelled' | 'select-candidate' | 'code' | 'reset'>;

/** The edit on a projected layer: its strokes and codes, and the candidates the engine optimises from them. */
function reduceEdit(state: PanelState, event: EditEvent): PanelState {
  switch (event.type) {
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
    case 'code':
      return withProjected(state, (e) => ({ codes: { ...e.codes, [event.name]: event.value } }));
    case 'reset':
      return withProjected(state, (e) => ({
        strokes: [], redo: [], candidates: null, selected: null, picked: [], sequence: null, frame: null, playing: false, preview: null, previewError: null,
        optimising: false, editError: null, codes: e.projection?.codes ?? {},
      }));
  }
}

type SequenceEvent = EventOf<'sequence' | 'sequence-failed' | 'frame' | 'play' | 'tick'>;

/** The sequence from the projection to the chosen candidate, and its playback. */
function reduceSequence(state: PanelState, event: SequenceEvent): PanelState {
  switch (event.type) {
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
  }
}

type ApplyEvent = EventOf<'variant' | 'apply-start' | 'apply-progress' | 'applied' | 'results-removed' | 'apply-failed'>;

/** Writing the result into the document, and an Undo there removing it. */
function reduceApply(state: PanelState, event: ApplyEvent): PanelState {
  switch (event.type) {
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
  }
}

/** Words for what an Undo in the document removed of the panel's results. */
function undoneText(r: WrittenResult): string {
  const what = r.variant === 'sequence' ? 'the sequence frame' : r.count === 1 ? 'the result layer' : `the ${r.count} result layers`;
  return `Undo removed ${what} made from “${r.sourceName}”. Its edit is kept: select “${r.sourceName}” to go on, or Apply again.`;
}

type ViewEvent = EventOf<'preview' | 'preview-failed' | 'model-view'>;

/** What the big canvas shows: the preview of the edit, or the model's view. */
function reduceView(state: PanelState, event: ViewEvent): PanelState {
  switch (event.type) {
    case 'preview':
      return withProjected(state, () => ({ preview: { key: event.key, frame: event.frame, image: event.image }, previewError: null }));
    case 'preview-failed':
      return withProjected(state, () => ({ previewError: event.message }));
    case 'model-view':
      return { ...state, view: event.held ? { ...state.view, peek: event.on } : { ...state.view, model: event.on } };
  }
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
