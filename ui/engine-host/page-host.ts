/**
 * The engine in the panel's own thread (WebGPU only): starting it, and disposing of whichever
 * engine is in use (an engine in the panel is closed and the worker's takes the requests again).
 */
import type { ExecutionProviderNotice } from '../../engine/worker/engine-client';
import { errorMessage } from '../../protocol/messages';
import type { PageEngine } from '../worker/page-engine';
import type { Compute, EngineHostState, InitBody, ReadyResponse } from './host-state';

export interface PageHostContext {
  worker: Compute;
  hosting: EngineHostState;
  /** The GPU was lost under the panel's engine (gpu-lost.ts). */
  onGpuLost(from: PageEngine, n: ExecutionProviderNotice): void;
}

/**
 * Starts the engine in the panel's own thread, on WebGPU only; null (nothing left running there)
 * when it could not, and the worker hosts it as before.
 */
export async function startInPageAsync(ctx: PageHostContext, init: InitBody): Promise<ReadyResponse | null> {
  const { hosting } = ctx;
  let started: PageEngine | null = null;
  try {
    started = ctx.worker.startPageEngine!();
    const ready = await started.engine.request(init);
    if (ready.executionProvider !== 'webgpu') throw new Error(`the panel's engine started on ${ready.executionProvider}, not WebGPU`);
    const mine = started;
    mine.engine.onExecutionProviderChange((n) => ctx.onGpuLost(mine, n));
    hosting.page = mine;
    hosting.active = mine.engine;
    return ready;
  } catch (error) {
    hosting.pageFailed = true;
    console.warn(`Manifold: the engine could not start on WebGPU in the panel (${errorMessage(error)}); it runs in the worker.`);
    if (started) {
      await started.engine.request({ type: 'dispose' }).catch(() => undefined);
      started.close();
    }
    return null;
  }
}

/** Disposes of the engine in use; an engine in the panel is closed and the worker's is in use again. */
export async function disposeEngineAsync(ctx: Pick<PageHostContext, 'worker' | 'hosting'>): Promise<void> {
  const { hosting } = ctx;
  const was = hosting.page;
  await hosting.active.request({ type: 'dispose' }).catch(() => undefined);
  if (was && hosting.page === was) {
    hosting.page = null;
    hosting.active = ctx.worker.engine;
    was.close();
  }
}
