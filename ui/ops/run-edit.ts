/**
 * The edit requests (strokes, code changes, Fix, reset) and their lifecycle: one at a time on
 * screen (a newer one makes an older one's answers stale), cancellable, and awaitable until the
 * engine is idle again (projection, sequence and transfer need the runtime to themselves).
 */
import type { EngineRequestBody, EngineResponse } from '../../engine/worker/protocol';
import type { EngineHostState, EngineRequests } from '../engine-host/host-state';
import { friendlyError } from '../friendly-error';
import type { Candidates } from '../state/panel-state';
import type { Store } from '../state/store';
import { isAbort } from './is-abort';

type CandidatesResponse = Extract<EngineResponse, { type: 'candidates' }>;

export interface EditRunnerContext {
  store: Store;
  engine: EngineRequests;
  /** Where the engine's z0 is noted (to start it again elsewhere if the GPU is lost). */
  hosting: Pick<EngineHostState, 'engineZ0'>;
  /** The sequence rendering now, if one is (it runs on the same runtime). */
  sequenceBusy(): Promise<void> | null;
  /** A batch settled: its sequence is rendered next. */
  scheduleSequence(ms: number): void;
}

export interface EditRunner {
  /** Sends an edit request; its candidates reach the store. Null when it failed, was cancelled or went stale. */
  runAsync(body: EngineRequestBody): Promise<Candidates | null>;
  /** Re-runs the strokes of the edit on screen (once it is projected). */
  sendStrokes(): void;
  /** Stops the edit in flight; its answers, if any come, are dropped. */
  cancel(): void;
  /**
   * After a cancel, the engine finishes the graph run in flight before it answers; the runtime
   * runs one graph at a time, so work that needs it (projection, sequence, transfer) waits.
   */
  idleAsync(ms?: number): Promise<void>;
  /** Whether an edit request is out. */
  inFlight(): boolean;
  /** The edit in flight, unless the engine had already made its change to z0 (then z0 says it all). */
  interrupted(): EngineRequestBody | null;
}

function toCandidates(r: CandidatesResponse): Candidates {
  const count = r.loss.length;
  return { images: r.images, z: r.z, loss: r.loss, order: r.order, step: r.step, steps: r.steps, final: r.final, count };
}

export function createEditRunner(ctx: EditRunnerContext): EditRunner {
  const { store, hosting } = ctx;
  let editSeq = 0;
  let editsInFlight = 0;
  let editAbort: AbortController | null = null;
  /** The edit request in flight (to send again if the engine moves under it), and whether the engine answered it yet (then z0 has its change). */
  let editBody: EngineRequestBody | null = null;
  let editAnswered = false;

  function cancel(): void {
    editAbort?.abort();
    editAbort = null;
    editSeq++;
    if (editsInFlight > 0) store.dispatch({ type: 'edit-cancelled' });
  }

  async function idleAsync(ms = 10_000): Promise<void> {
    const t0 = Date.now();
    while ((editsInFlight > 0 || ctx.sequenceBusy()) && Date.now() - t0 < ms) {
      const busy = ctx.sequenceBusy();
      if (busy) await busy;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function runAsync(body: EngineRequestBody): Promise<Candidates | null> {
    const busy = ctx.sequenceBusy();
    if (busy) await busy; // the sequence renders on the same runtime: let it finish
    const seq = ++editSeq;
    const abort = new AbortController();
    editAbort = abort;
    store.dispatch({ type: 'edit-start' });
    editsInFlight++;
    editBody = body;
    editAnswered = false;
    try {
      const res = (await ctx.engine.request(body, {
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type === 'candidates') {
            hosting.engineZ0 = e.z0.slice();
            editAnswered = true;
          }
          if (e.type === 'candidates' && seq === editSeq) store.dispatch({ type: 'candidates', candidates: toCandidates(e), codes: e.codes, z0: e.z0 });
        },
      })) as CandidatesResponse;
      hosting.engineZ0 = res.z0.slice();
      if (seq !== editSeq) return null;
      const candidates = toCandidates(res);
      store.dispatch({ type: 'candidates', candidates, codes: res.codes, z0: res.z0 });
      ctx.scheduleSequence(0);
      return candidates;
    } catch (error) {
      if (seq === editSeq) store.dispatch(isAbort(error) ? { type: 'edit-cancelled' } : { type: 'edit-failed', message: friendlyError('edit', error) });
      return null;
    } finally {
      editsInFlight--;
      if (editAbort === abort) editAbort = null;
    }
  }

  function sendStrokes(): void {
    const edit = store.get().edit;
    if (edit?.status !== 'projected') return;
    void runAsync({ type: 'edit', strokes: edit.strokes });
  }

  return {
    runAsync, sendStrokes, cancel, idleAsync,
    inFlight: () => editsInFlight > 0,
    interrupted: () => (editsInFlight > 0 && !editAnswered ? editBody : null),
  };
}
