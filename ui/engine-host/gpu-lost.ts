/**
 * The GPU was lost under an engine. The worker's engine carries on on the CPU (the edit in flight
 * goes on); the panel's engine has moved to wasm in the panel's thread, which would block the
 * panel, so it moves to the worker. Either way the designer sees the CPU badge and the notice.
 */
import type { ExecutionProviderNotice } from '../../engine/worker/engine-client';
import { backendNotice } from '../friendly-error';
import type { Store } from '../state/store';
import type { PageEngine } from '../worker/page-engine';
import type { Compute, EngineHostState } from './host-state';

/** Tells the designer when the worker's engine (while it is the one in use) changes backend. */
export function watchWorkerBackend(ctx: { store: Store; worker: Compute; hosting: EngineHostState }): void {
  const { store, worker, hosting } = ctx;
  worker.engine.onExecutionProviderChange?.((n) => {
    if (hosting.active !== worker.engine) return;
    if (n.reason.code === 'device-lost') hosting.gpuLost = true;
    store.dispatch({ type: 'backend-changed', backend: n.executionProvider, notice: backendNotice(n.reason.code) });
  });
}

export interface PageGpuLostContext {
  store: Store;
  hosting: EngineHostState;
  /** move-to-worker.ts */
  moveToWorker(from: PageEngine, notice: string | null): void;
}

/** The panel's engine lost the GPU: its work is stopped at once and the engine starts again in the worker. */
export function pageGpuLost(ctx: PageGpuLostContext, from: PageEngine, n: ExecutionProviderNotice): void {
  const { hosting } = ctx;
  if (hosting.page !== from || hosting.moving) return;
  hosting.gpuLost = true;
  ctx.store.dispatch({ type: 'backend-changed', backend: n.executionProvider, notice: backendNotice(n.reason.code) });
  ctx.moveToWorker(from, backendNotice(n.reason.code));
}
