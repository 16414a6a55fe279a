/**
 * The engine hosted in the panel's own thread, for the one case where only the panel has WebGPU:
 * in `srcdoc` hosting the panel is a secure context with `navigator.gpu`, but its classic Blob
 * worker is not, so an engine in the worker can only run wasm. onnxruntime-web on WebGPU is
 * asynchronous (the GPU computes; this thread only waits), so the panel stays responsive. A wasm
 * engine is never hosted here: the controller asks for `executionProvider: 'webgpu'` and moves
 * the engine back to the worker when the GPU is lost.
 *
 * It is the same `EngineHost` as in the worker, reached through the same `EngineClient` protocol
 * over a `MessageChannel` (answers are copied, as from a worker), so the controller cannot tell
 * where its engine runs. An `init` naming a `packId` is filled with copies of that pack's files
 * and the ORT wasm, asked of the worker that holds the streamed assets.
 */
import { EngineClient } from '../../engine/worker/engine-client';
import { EngineHost, type EngineHostDeps } from '../../engine/worker/handle-request';
import { isTerminal, type EngineRequest, type EngineResponse } from '../../engine/worker/protocol';
import { initPackId, resolveInit } from './pack-files';
import type { PackFiles } from './protocol';

export interface PageEngine {
  readonly engine: EngineClient;
  /**
   * Closes the channel once every request sent so far has its answer (send `dispose` first to
   * release the sessions; a render already running still answers).
   */
  close(): void;
}

/** What of a MessageChannel this needs (tests may pass their own pair). */
interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  start(): void;
  close(): void;
}

export function startPageEngine(packFilesAsync: (packId: string) => Promise<PackFiles>, deps: EngineHostDeps = {}): PageEngine {
  const channel = new MessageChannel();
  const port1 = channel.port1 as unknown as PortLike, port2 = channel.port2 as unknown as PortLike;
  const open = new Set<number>();
  let closing = false, closed = false;
  const closeNow = () => {
    if (closed) return;
    closed = true;
    port1.close();
    port2.close();
  };
  const post = (r: EngineResponse, transfer: ArrayBuffer[] = []) => {
    if (closed) return;
    port2.postMessage(r, transfer);
    if (isTerminal(r) && open.delete(r.id) && closing && !open.size) closeNow();
  };
  const host = new EngineHost({ notify: post, ...deps });
  // Requests are handled in the order they came; an init that names a pack waits for its files
  // (from the worker), and what came after it waits for the init to start, not to finish.
  let queue: Promise<void> = Promise.resolve();
  port2.addEventListener('message', (e) => {
    const msg = e.data as EngineRequest;
    if (Number.isSafeInteger(msg?.id)) open.add(msg.id);
    queue = queue.then(async () => {
      let req: EngineRequest;
      try {
        const packId = initPackId(msg);
        req = packId ? resolveInit(msg, await packFilesAsync(packId)) : msg;
      } catch (error) {
        post({ type: 'error', id: msg.id, message: error instanceof Error ? error.message : String(error) });
        return;
      }
      void host.handleRequest(req, post);
    });
  });
  port2.start();
  const engine = EngineClient.overWorker(port1);
  port1.start();
  return {
    engine,
    close: () => {
      closing = true;
      if (!open.size) closeNow();
      else setTimeout(closeNow, 60_000); // an answer that never comes does not hold the channel forever
    },
  };
}
