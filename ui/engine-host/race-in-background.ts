/**
 * In the background once the panel's engine is ready on WebGPU: one edit step timed there and on
 * a wasm engine started in the worker; the faster one keeps the model (said in the badge's tooltip).
 */
import { errorMessage } from '../../protocol/messages';
import type { Store } from '../state/store';
import type { PageEngine } from '../worker/page-engine';
import { backendChoiceText, fasterBackend, timeBackendsAsync } from './backend-race';
import { wasmInit, type Compute, type EngineHostState } from './host-state';

export interface RaceContext {
  store: Store;
  worker: Compute;
  hosting: EngineHostState;
  /** move-to-worker.ts */
  moveToWorker(from: PageEngine, notice: string | null): void;
}

/** Starts the race; `hosting.racing` holds it while it runs (a move or a new pack waits for it). */
export function startRace(ctx: RaceContext, from: PageEngine, packId: string): void {
  const run = raceBackendsAsync(ctx, from, packId);
  ctx.hosting.racing = run;
  void run.finally(() => { if (ctx.hosting.racing === run) ctx.hosting.racing = null; });
}

async function raceBackendsAsync(ctx: RaceContext, from: PageEngine, packId: string): Promise<void> {
  const { hosting, worker } = ctx;
  try {
    const times = await timeBackendsAsync(from.engine, async () => {
      hosting.workerUp = await worker.engine.request(wasmInit(packId));
      return worker.engine;
    });
    if (hosting.page !== from) return; // it moved meanwhile (the GPU was lost): the mover takes the worker's engine as it is
    const chosen = fasterBackend(times);
    ctx.store.dispatch({ type: 'backend-choice', text: backendChoiceText(times, chosen) });
    if (chosen === 'wasm') {
      hosting.cpuFaster = true;
      ctx.moveToWorker(from, null);
      return;
    }
  } catch (error) {
    console.warn(`Manifold: WebGPU and wasm could not be timed against each other (${errorMessage(error)}); the model stays on WebGPU.`);
  }
  if (hosting.workerUp && hosting.page === from) {
    hosting.workerUp = null;
    await worker.engine.request({ type: 'dispose' }).catch(() => undefined);
  }
}
