import { EngineHost, type EngineHostDeps } from './handle-request.js';

/** What a worker global scope offers (DedicatedWorkerGlobalScope, without DOM lib types). */
export interface WorkerScopeLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

/**
 * Makes this worker an engine: every message is a request, answered through postMessage.
 * The panel's worker script is just `installEngineWorker(self)` (bundled as a classic script).
 */
export function installEngineWorker(scope: WorkerScopeLike, deps?: EngineHostDeps): EngineHost {
  const host = new EngineHost({ notify: (r, transfer) => scope.postMessage(r, transfer), ...deps });
  scope.addEventListener('message', (e) => {
    void host.handleRequest(e.data, (r, transfer) => scope.postMessage(r, transfer));
  });
  return host;
}
