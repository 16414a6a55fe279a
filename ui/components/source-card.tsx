/** The selected layer beside the model's reconstruction of it, with Project, its progress and its error. */
import { useEffect, useMemo } from 'preact/hooks';
import type { PanelState } from '../state/panel-state';
import type { Controller } from '../controller';
import { RgbaCanvas } from './rgba-canvas';
import { ErrorNote } from './error-note';

function Thumbnail({ bytes, mime, name }: { bytes: Uint8Array; mime: string; name: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime })), [bytes, mime]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img class="tile thumb" src={url} alt={`The selected layer, ${name}`} />;
}

/** Mean squared error on [-1, 1] → a percentage of the full colour range (RMS). */
export function errorPercent(mse: number): string {
  return `${((Math.sqrt(Math.max(0, mse)) / 2) * 100).toFixed(1)}%`;
}

/** While projecting: how far the best image so far is from the layer (a distance, not a failure). */
export function progressText(mse: number): string {
  return `${errorPercent(mse)} off so far…`;
}

/** The estimate beside Project: the last projection's time on this engine, or nothing until one was measured. */
export function projectEstimate(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds <= 0) return '';
  const s = seconds < 10 ? Math.max(1, Math.round(seconds)) : Math.round(seconds / 5) * 5;
  return `About ${s} s here (the last projection took ${seconds.toFixed(1)} s).`;
}

export function SourceCard({ state, controller }: { state: PanelState; controller: Controller }) {
  const edit = state.edit!;
  const sel = state.selection?.kind === 'image' ? state.selection.image : null;
  const R = state.engine.pack?.resolution ?? 64;
  const engineReady = state.engine.status === 'ready';
  const projecting = edit.status === 'projecting';
  const p = edit.progress;
  const fraction = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const proj = edit.projection;
  const showingResult = sel && sel.nodeId !== edit.nodeId;
  return (
    <section aria-label="Layer and its projection" data-testid="source" data-status={edit.status}>
      <div class={`pair${proj ? ' compact' : ''}`}>
        <figure>
          <Thumbnail bytes={edit.bytes} mime={edit.mime} name={edit.name} />
          <figcaption title={`${edit.name} · ${edit.width}×${edit.height} px`}><strong>{edit.name}</strong><span class="dot"> · </span><span class="detail">{edit.width}×{edit.height}</span></figcaption>
        </figure>
        <figure>
          {proj ? (
            <RgbaCanvas data={proj.image} size={R} class="tile" label="The closest image the model can make" testId="reconstruction" />
          ) : projecting && p?.image ? (
            <RgbaCanvas data={p.image} size={R} class="tile" label="The model's closest image so far (refining)" testId="reconstruction-preview" />
          ) : (
            <div class="tile placeholder">{projecting ? 'Finding the closest image…' : 'Project to find the closest image the model can make'}</div>
          )}
          <figcaption data-testid="projection-error" data-error={proj && Number.isFinite(proj.pixelError) ? proj.pixelError : undefined}>
            {proj
              ? Number.isFinite(proj.pixelError)
                ? <span title={`Root-mean-square colour difference between the layer and the model’s closest image${Number.isFinite(proj.encoderPixelError) ? `; the encoder’s first guess was ${errorPercent(proj.encoderPixelError)} off` : ''}`}>Closest match<span class="dot"> · </span><span class="detail"><strong>{errorPercent(proj.pixelError)}</strong> off</span></span>
                : <>The edit it was made with</>
              : projecting && p?.pixelError !== undefined ? <span data-testid="project-progress-error">{progressText(p.pixelError)}</span> : 'Reconstruction'}
          </figcaption>
        </figure>
      </div>
      {sel?.notes?.length && !showingResult ? <ul class="notes">{sel.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
      {showingResult && <p class="muted" style="margin:0">Still editing “{edit.name}”; the selected result came from it.</p>}
      {projecting && (
        <div class="progress" role="progressbar" aria-label="Projecting" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
          <div style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
      )}
      {edit.projectError && <ErrorNote message={edit.projectError} testId="project-error" />}
      {!proj && (
        <button class="btn primary wide" data-testid="project" disabled={!engineReady || !edit.pixels || projecting} onClick={() => void controller.project()} aria-keyshortcuts="P" title="Find the closest image the model can make (P)">
          {projecting ? `Projecting… ${Math.round(fraction * 100)}%` : !engineReady ? (state.engine.status === 'failed' ? 'The model did not start' : 'Starting the model…') : 'Project'}
        </button>
      )}
      {!proj && !projecting && engineReady && (
        <p class="muted hint-line" data-testid="project-hint">Finds the image the model can make that is closest to this layer; edits start from there. {projectEstimate(state.projectSeconds)}</p>
      )}
      {proj && edit.restored && (
        <p class="muted" style="margin:0" data-testid="restored">Reopened the edit from {new Date(edit.restored.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })} · {edit.strokes.length}&nbsp;stroke{edit.strokes.length === 1 ? '' : 's'}</p>
      )}
    </section>
  );
}
