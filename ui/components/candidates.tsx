/** The candidates grid (≤ 16, best first, live while optimising) and the sequence slider. */
import { useEffect, useRef } from 'preact/hooks';
import type { Candidates, PanelState } from '../state/panel-state';
import { currentCandidate, shownCandidates } from '../state/selectors';
import { candidateFreedom, freedomText } from '../state/candidate-freedom';
import { sequenceFrameName, sequenceFrames, type Controller } from '../controller';
import { RgbaCanvas } from './rgba-canvas';
import { ErrorNote } from './error-note';
import { PauseIcon, PlayIcon } from './icons';

/** Columns of the candidates grid (styles.css `.grid`). */
const GRID_COLUMNS = 4;

/** Arrow keys, Home and End move the focus through the grid (one tab stop: the chosen candidate). */
function moveFocus(e: KeyboardEvent, columns: number): void {
  const step = ({ ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns, Home: -Infinity, End: Infinity } as Record<string, number>)[e.key];
  if (step === undefined || e.metaKey || e.ctrlKey || e.altKey) return;
  const options = Array.from((e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role=option]'));
  const at = options.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  e.preventDefault();
  options[Math.max(0, Math.min(options.length - 1, at + step))].focus();
}

export function CandidatesGrid({ state, controller }: { state: PanelState; controller: Controller }) {
  const edit = state.edit!;
  const c = edit.candidates;
  const R = state.engine.pack?.resolution ?? 64;
  const n = R * R * 4;
  const shown = shownCandidates(c);
  const current = currentCandidate(edit);
  const tabStop = current !== null && shown.includes(current) ? current : shown[0];
  const freedom = c && c.final && !edit.optimising ? candidateFreedom(c, R) : null;
  const status = !c ? (edit.optimising ? 'Optimising…' : 'Paint on the image or move an attribute') : edit.optimising || !freedom ? `Optimising · step ${c.step} of ${c.steps}` : freedomText(freedom, c.count);
  return (
    <section aria-label="Candidates" data-testid="candidates-section">
      <div class="section-title">Candidates <span class="hint" data-testid="candidates-status" data-little-freedom={freedom ? String(freedom.little) : undefined} aria-live="polite">{status}</span></div>
      {c?.final && <RevealWhenDone batch={c} />}
      {c && (
        <div class={`grid${edit.optimising ? ' live' : ''}`} role="listbox" aria-label="Candidates: the best first, then the most different" aria-multiselectable="true" data-testid="candidates" data-step={c.step} data-final={String(c.final)} data-count={shown.length}
          onKeyDown={(e) => moveFocus(e, GRID_COLUMNS)}>
          {shown.map((k, rank) => (
            <button
              key={rank}
              role="option"
              class={`candidate${edit.picked.includes(k) && edit.picked.length > 1 ? ' picked' : ''}`}
              aria-selected={k === current}
              aria-pressed={k === current}
              aria-label={`Candidate ${rank + 1}${rank === 0 ? ', best' : ''}`}
              tabIndex={k === tabStop ? 0 : -1}
              title={`Candidate ${rank + 1}${rank < 9 ? ` (${rank + 1})` : ''}`}
              data-testid="candidate"
              data-index={k}
              onClick={(e) => controller.selectCandidate(k, e.shiftKey || e.metaKey || e.ctrlKey)}
            >
              <RgbaCanvas data={c.images.subarray(k * n, (k + 1) * n)} size={R} />
              <span class="rank" aria-hidden="true">{rank + 1}</span>
            </button>
          ))}
        </div>
      )}
      {edit.editError && <ErrorNote message={edit.editError} testId="edit-error" />}
    </section>
  );
}

/**
 * Once a batch is final, its grid is brought into view inside the panel's scrolling area (above the
 * footer), unless it is already: what the model made is seen without scrolling for it. Only the
 * panel's own scroller moves (never the host page), and never so far that the section's top leaves.
 */
function RevealWhenDone({ batch }: { batch: Candidates }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const section = ref.current?.closest('section');
    const main = section?.closest('main');
    if (!section || !main) return;
    const s = section.getBoundingClientRect(), m = main.getBoundingClientRect();
    const below = s.bottom - m.bottom + 12;
    if (below > 0) main.scrollTop += Math.min(below, Math.max(0, s.top - m.top - 8));
  }, [batch]);
  return <span ref={ref} hidden />;
}

export function SequenceSlider({ state, controller }: { state: PanelState; controller: Controller }) {
  const edit = state.edit!;
  const seq = edit.sequence;
  const frames = seq?.frames ?? sequenceFrames(edit);
  const value = edit.frame ?? frames - 1;
  // Frame 0 is the start (the projection here, the original layer in the applied frame): the labels are the written frames' names.
  const name = sequenceFrameName(value, frames);
  const disabled = !edit.candidates?.final || edit.optimising;
  return (
    <section aria-label="Sequence">
      <div class="section-title">Sequence <span class="hint">from the projection to the chosen candidate</span></div>
      <div class="sequence" data-testid="sequence" data-ready={String(!!seq)} data-frame={edit.frame ?? ''}>
        <button class="icon-btn" aria-label={edit.playing ? 'Pause' : 'Play the sequence'} aria-keyshortcuts="Space" title={`${edit.playing ? 'Pause' : 'Play'} (Space)`} disabled={disabled} data-testid="play" onClick={() => controller.play(!edit.playing)}>
          {edit.playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <input type="range" min={0} max={frames - 1} step={1} value={value} style={`--fill:${(value / (frames - 1)) * 100}%`} disabled={disabled || !seq} aria-label="Sequence frame" aria-valuetext={value === 0 ? `${name}, the start` : name} data-testid="frame" onInput={(e) => controller.setFrame(Number((e.currentTarget as HTMLInputElement).value))} />
        <span class="frame-label" aria-hidden="true" title={value === 0 ? `${name}: the start (the original layer when applied)` : name} data-testid="frame-label">{name.slice('Frame '.length)}</span>
      </div>
    </section>
  );
}
