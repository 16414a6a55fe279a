/** The panel: header, what is selected, the edit (canvas, brushes, candidates, sequence, codes), and the actions. */
import { useEffect, useRef } from 'preact/hooks';
import type { JSX } from 'preact';
import type { Capabilities } from '../capabilities';
import type { PanelEvent } from '../state/panel-events';
import type { ApplyVariant, PanelState } from '../state/panel-state';
import { canApply, currentCandidate, shownCandidates } from '../state/selectors';
import { handleShortcut, handleShortcutUp } from '../state/shortcuts';
import { sequenceFrames, type Controller } from '../controller';
import { BrushBar } from './brush-bar';
import { CandidatesGrid, SequenceSlider } from './candidates';
import { CodeControls } from './codes';
import { EditCanvas } from './edit-canvas';
import { ErrorNote } from './error-note';
import { GripIcon, LayersIcon } from './icons';
import { Notice } from './notice';
import { SourceCard } from './source-card';

export interface AppProps {
  state: PanelState;
  controller: Controller;
  dispatch(event: PanelEvent): void;
}

function BackendBadge({ state }: { state: PanelState }) {
  const caps: Capabilities | null = state.caps;
  const backend = state.engine.backend;
  const gpu = backend ? backend === 'webgpu' : caps?.webgpu === 'adapter';
  const label = backend || caps ? (gpu ? 'WebGPU' : 'CPU') : '…';
  const title = [
    backend ? `The model runs on ${gpu ? 'the graphics card (WebGPU)' : `the processor (WebAssembly, ${(state.engine.workers ?? 1) > 1 ? `${state.engine.workers} workers side by side` : '1 thread'})`}${state.engine.host === 'page' ? ', from the panel itself (its worker has no WebGPU)' : ''}` : 'The model has not started yet',
    state.engine.choice ?? '',
    caps ? `hosted as ${caps.hosting} · ${caps.secureContext ? 'secure context' : 'not a secure context'} · WebGPU: ${caps.webgpu}${caps.adapter ? ` (${caps.adapter})` : ''}` : '',
  ].filter(Boolean).join('\n');
  return (
    <span class={`badge${gpu ? ' badge-gpu' : ''}`} title={title} role="status" aria-label={`Runs on ${label}`} data-testid="caps" data-backend={backend ?? ''} data-host={state.engine.host ?? ''} data-workers={state.engine.workers ?? ''}
      data-hosting={caps?.hosting} data-secure={caps ? String(caps.secureContext) : undefined} data-webgpu={caps?.webgpu} data-threads={caps ? String(caps.threads) : undefined}>
      {label}
    </span>
  );
}

function PackPicker({ state, controller }: { state: PanelState; controller: Controller }) {
  const { engine } = state;
  if (engine.packs.length <= 1) {
    return engine.pack ? <span class="pack-name" title={`${engine.pack.title}\n${engine.pack.license}`}>{engine.pack.title}</span> : null;
  }
  return (
    <select class="pack-picker" aria-label="Model" title="Model" data-testid="pack-picker" value={engine.packId ?? ''} disabled={engine.status === 'loading'} onChange={(e) => void controller.pickPack((e.currentTarget as HTMLSelectElement).value)}>
      {engine.packs.map((id) => <option key={id} value={id}>{engine.pack?.id === id ? engine.pack.title : id}</option>)}
    </select>
  );
}

function Empty({ state, controller }: { state: PanelState; controller: Controller }) {
  const sel = state.selection;
  const box = (kind: string, title: string, body: JSX.Element | string, extra?: JSX.Element) => (
    <div class="empty" data-testid="selection" data-kind={kind}>
      <LayersIcon />
      <strong>{title}</strong>
      <p>{body}</p>
      {extra}
    </div>
  );
  if (!sel) return box('waiting', 'Connecting…', 'Waiting for Figma.');
  switch (sel.kind) {
    case 'none':
      return box('none', 'Select a layer', 'An image, an illustration or a frame. Manifold finds the closest image its model can make, and lets you edit it with brushes.');
    case 'multiple':
      return box('multiple', `${sel.count} layers selected`, 'Manifold edits one layer at a time. Pick one:', sel.layers?.length ? (
        <ul class="layer-list">
          {sel.layers.map((l) => <li key={l.nodeId}><button onClick={() => controller.selectLayer(l.nodeId)}>{l.name} <span class="muted">· {l.nodeType.toLowerCase()}</span></button></li>)}
        </ul>
      ) : undefined);
    case 'unsupported':
      return box('unsupported', `“${sel.name}” can’t be edited`, sel.reason);
    default:
      return null;
  }
}

function Selected({ state, controller, dispatch }: AppProps) {
  const edit = state.edit!;
  const sel = state.selection?.kind === 'image' ? state.selection.image : null;
  const projected = edit.status === 'projected';
  const canContinue = sel?.record && sel.nodeId === edit.nodeId && !projected && edit.status !== 'projecting' && state.engine.status === 'ready';
  return (
    <div class="columns" data-testid="selection" data-kind="image" data-node-id={sel?.nodeId ?? edit.nodeId} data-width={sel?.width} data-height={sel?.height} data-source={sel?.source}>
      <div class="column">
        <SourceCard state={state} controller={controller} />
        {canContinue && (
          <button class="btn wide" data-testid="continue" onClick={() => void controller.restore(sel!.record!)}>Continue this Manifold edit</button>
        )}
        {projected && <EditCanvas state={state} controller={controller} />}
        {projected && <BrushBar state={state} controller={controller} dispatch={dispatch} />}
      </div>
      {projected && (
        <div class="column">
          <CandidatesGrid state={state} controller={controller} />
          <SequenceSlider state={state} controller={controller} />
          <CodeControls state={state} controller={controller} />
        </div>
      )}
    </div>
  );
}

const VARIANTS: Array<{ value: ApplyVariant; label: string }> = [
  { value: 'final', label: 'Result as a layer' },
  { value: 'sequence', label: 'Sequence as a frame' },
  { value: 'candidates', label: 'Picked candidates as layers' },
];

/** Frames a sequence apply writes: the original as Frame 00, then the edited frames (fewer for a big layer). */
function sequenceCount(edit: PanelState['edit']): number {
  return sequenceFrames(edit);
}

/**
 * What the last apply added (past tense: it is in the document now), whatever the picker shows since,
 * with what the main thread noted (its notification has only the first sentence).
 */
export function appliedText(apply: PanelState['apply']): string {
  const n = apply.nodeIds?.length ?? 0;
  const notes = (apply.notes ?? []).map((note) => ` ${note}`).join('');
  if (apply.variant === 'sequence' && n === 1) return `Added the sequence beside the original: one frame holding its ${apply.count ?? ''} frames side by side, the original first (Frame 00). ⌘Z in Figma removes it.${notes}`;
  return `Added ${n} layer${n === 1 ? '' : 's'} beside the original. ⌘Z in Figma removes ${n === 1 ? 'it' : 'them'}.${notes}`;
}

/** What Apply will do with the variant chosen (future tense: nothing is added until it is clicked). */
export function willApplyText(variant: ApplyVariant, count: number): string {
  if (variant === 'sequence') return `Apply will add one frame beside the original holding the ${count} frames of the sequence side by side, the original first (Frame 00).`;
  if (variant === 'candidates') return `Apply will add ${count} layer${count === 1 ? '' : 's'} beside the original, one per candidate.`;
  return 'Apply will add the chosen candidate’s edit as a new layer beside the original.';
}

function Footer({ state, controller, dispatch }: AppProps) {
  const { apply, edit } = state;
  const projected = edit?.status === 'projected';
  const working = apply.status === 'working';
  const count = state.variant === 'candidates' && edit ? (edit.picked.length || shownCandidates(edit.candidates).length) : state.variant === 'sequence' ? sequenceCount(edit) : 1;
  const applyLabel = working ? `Applying… ${Math.round((apply.fraction ?? 0) * 100)}%` : state.variant === 'final' ? 'Apply' : `Apply ${count}`;
  return (
    <footer>
      {projected && (
        <div class="actions">
          <button class="btn" data-testid="fix" disabled={currentCandidate(edit) === null || working} onClick={() => void controller.fix()} aria-keyshortcuts="F" title="Fix: keep the chosen candidate and explore around it (F)">Fix</button>
          <button class="btn" data-testid="reset" disabled={working || (!edit.strokes.length && !edit.candidates)} onClick={() => void controller.reset()} aria-keyshortcuts="R" title="Reset: back to the projection, strokes cleared (R)">Reset</button>
          <select aria-label="What to apply" data-testid="variant" value={state.variant} onChange={(e) => dispatch({ type: 'variant', variant: (e.currentTarget as HTMLSelectElement).value as ApplyVariant })}>
            {VARIANTS.map((v) => <option key={v.value} value={v.value}>{v.label}</option>)}
          </select>
          <button class="btn primary" data-testid="apply" disabled={!canApply(state)} onClick={() => void controller.apply()} aria-keyshortcuts="Control+Enter Meta+Enter" title="Apply the edit to the layer at full resolution (⌘↵)">{applyLabel}</button>
        </div>
      )}
      <div class="status" data-testid="status" data-status={apply.status} aria-live="polite">
        {working && 'Carrying the edit over to the full-size layer…'}
        {apply.status === 'done' && appliedText(apply)}
        {apply.status === 'idle' && state.undone && <span data-testid="undone">{state.undone}</span>}
        {apply.status === 'idle' && !state.undone && canApply(state) && <span class="muted" data-testid="will-apply">{willApplyText(state.variant, count)}</span>}
        {apply.status === 'failed' && <ErrorNote message={apply.message ?? ''} testId="apply-error" />}
        {state.lastError && apply.status === 'idle' && <span class="error-text">{state.lastError}</span>}
        {!projected && apply.status === 'idle' && !state.lastError && state.engine.status === 'failed' && <ErrorNote message={state.engine.error ?? ''} testId="engine-error" />}
        {state.engine.status === 'none' && <span class="error-text">This build of Manifold has no model. Build it with a model pack in models/.</span>}
      </div>
      <Assets state={state} />
    </footer>
  );
}

function Assets({ state }: { state: PanelState }) {
  const { assets, engine } = state;
  const text =
    assets.status === 'failed' ? 'The model could not be loaded'
      : assets.status !== 'ready' ? `Loading the model… ${assets.received.length} of ${assets.expected.length} files`
        : engine.status === 'loading' ? 'Starting the model…'
          : engine.pack ? `Model: ${engine.pack.title} · ${engine.pack.resolution}×${engine.pack.resolution} px`
            : engine.status === 'none' ? 'No model in this build' : engine.status === 'failed' ? 'The model did not start' : 'Runtime ready';
  return (
    <div class="footer-line" data-testid="assets" data-status={assets.status} data-count={assets.received.length} data-engine={engine.status} data-pack={engine.pack?.id} title={engine.pack?.license}>
      {text}
    </div>
  );
}

function ResizeGrip({ controller }: { controller: Controller }) {
  const start = useRef<{ x: number; y: number; w: number; h: number } | null>(null);
  const asked = useRef<{ w: number; h: number; t: number } | null>(null);
  return (
    <div
      class="grip"
      role="separator"
      aria-label="Resize the panel (arrow keys)"
      aria-orientation="vertical"
      tabIndex={0}
      data-testid="resize"
      onKeyDown={(e) => {
        const step = e.shiftKey ? 100 : 20;
        const d = { ArrowRight: [step, 0], ArrowLeft: [-step, 0], ArrowDown: [0, step], ArrowUp: [0, -step] }[e.key];
        if (!d) return;
        e.preventDefault();
        e.stopPropagation();
        // Presses can come faster than the host resizes: build on the size asked for last.
        const last = asked.current && Date.now() - asked.current.t < 1000 ? asked.current : { w: window.innerWidth, h: window.innerHeight };
        const w = Math.max(300, last.w + d[0]), h = Math.max(360, last.h + d[1]);
        asked.current = { w, h, t: Date.now() };
        controller.resize(w, h);
      }}
      onPointerDown={(e) => {
        (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
        start.current = { x: e.screenX, y: e.screenY, w: window.innerWidth, h: window.innerHeight };
      }}
      onPointerMove={(e) => {
        const s = start.current;
        if (s) controller.resize(s.w + e.screenX - s.x, s.h + e.screenY - s.y);
      }}
      onPointerUp={() => (start.current = null)}
    >
      <GripIcon />
    </div>
  );
}

export function App(props: AppProps) {
  const { state, controller, dispatch } = props;
  const latest = useRef(props);
  latest.current = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const p = latest.current;
      if (handleShortcut(e, p.state, p.controller, p.dispatch)) e.preventDefault();
    };
    const onKeyUp = (e: KeyboardEvent) => {
      const p = latest.current;
      if (handleShortcutUp(e, p.state, p.controller)) e.preventDefault();
    };
    // The panel losing focus ends a held key's view too (its keyup goes elsewhere).
    const onBlur = () => { if (latest.current.state.view.peek) latest.current.controller.setModelView(false, true); };
    document.addEventListener('keydown', onKey);
    document.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, []);
  return (
    <div class="panel" data-theme-ready="true">
      <header>
        <h1>Manifold</h1>
        <PackPicker state={state} controller={controller} />
        <span class="spacer" />
        <BackendBadge state={state} />
      </header>
      <Notice notice={state.notice} onDismiss={() => dispatch({ type: 'dismiss-notice' })} />
      <main>{state.edit && state.selection?.kind === 'image' ? <Selected {...props} /> : state.edit && state.apply.status === 'working' ? <Selected {...props} /> : <Empty state={state} controller={controller} />}</main>
      <Footer {...props} />
      <ResizeGrip controller={controller} />
    </div>
  );
}
