import { EngineHost } from './handle-request.js';
import { isTerminal, type EngineRequest, type EngineRequestBody, type EngineResponse, type ResponseFor } from './protocol.js';

/** The engine moved to another execution provider (the GPU was lost; it continues on wasm). */
export type ExecutionProviderNotice = Extract<EngineResponse, { type: 'execution-provider' }>;

/** What the client needs of a Worker (a real `Worker`, or anything shaped like one). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener?(type: 'message', listener: (e: MessageEvent) => void): void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Progress and streamed (non-final) candidates of this request. */
  onEvent?: (r: Extract<EngineResponse, { type: 'progress' | 'candidates' }>) => void;
}

/**
 * Talks to the engine through the protocol, either over a Worker or in this thread (no Worker:
 * Node, tests, or a panel without worker support). Requests return their terminal response;
 * `error` rejects with an Error, `cancelled` with an AbortError.
 */
export class EngineClient {
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: EngineResponse) => void; reject: (e: Error) => void; onEvent?: RequestOptions['onEvent'] }>();
  private readonly send: (req: EngineRequest) => void;
  private readonly noticeListeners = new Set<(n: ExecutionProviderNotice) => void>();

  private constructor(connect: (receive: (r: EngineResponse) => void) => (req: EngineRequest) => void) {
    this.send = connect((r) => this.receive(r));
  }

  /** A client over a Worker (the panel's classic Blob worker running `installEngineWorker`), or a started MessagePort. */
  static overWorker(worker: WorkerLike): EngineClient {
    return new EngineClient((receive) => {
      worker.addEventListener('message', (e) => receive(e.data as EngineResponse));
      // Requests are copied (structured clone), not transferred: the caller keeps its pack bytes and images.
      return (req) => worker.postMessage(req);
    });
  }

  /** A client calling an EngineHost in this thread (same messages, no Worker). */
  static inProcess(host: EngineHost = new EngineHost()): EngineClient {
    return new EngineClient((receive) => (req) => { void host.handleRequest(req, (r) => receive(r)); });
  }

  request<B extends EngineRequestBody>(body: B, options: RequestOptions = {}): Promise<ResponseFor[B['type']]> {
    const id = this.nextId++;
    const req = { ...body, id } as unknown as EngineRequest;
    return new Promise<ResponseFor[B['type']]>((resolve, reject) => {
      const { signal, onEvent } = options;
      if (signal?.aborted) { reject(signal.reason ?? new DOMException('aborted', 'AbortError')); return; }
      const onAbort = (): void => { this.send({ type: 'cancel', id: this.nextId++, target: id }); };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => { signal?.removeEventListener('abort', onAbort); resolve(r as ResponseFor[B['type']]); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
        onEvent,
      });
      this.send(req);
    });
  }

  /** Calls `listener` when the engine says it moved to another execution provider; returns a function that stops it. */
  onExecutionProviderChange(listener: (n: ExecutionProviderNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  private receive(r: EngineResponse): void {
    if (r.type === 'execution-provider') {
      for (const l of this.noticeListeners) l(r);
      return;
    }
    const p = this.pending.get(r.id);
    if (!p) return; // an answer to a cancel request, or to a request nobody waits for
    if (!isTerminal(r)) { p.onEvent?.(r as Extract<EngineResponse, { type: 'progress' | 'candidates' }>); return; }
    this.pending.delete(r.id);
    if (r.type === 'error') {
      const e = new Error(r.message);
      if (r.field) (e as Error & { field?: string }).field = r.field;
      p.reject(e);
    } else if (r.type === 'cancelled') p.reject(new DOMException(r.reason, 'AbortError'));
    else p.resolve(r);
  }
}
