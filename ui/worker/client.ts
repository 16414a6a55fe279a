/**
 * Starts the engine worker from the inlined IIFE source via a Blob URL (a classic worker:
 * module workers from blob: URLs don't start in an opaque-origin document) and turns its
 * id-tagged answers into promises.
 */
import type { EngineRequest, EngineRequestType, EngineResponse, ResponseFor } from './protocol';

type Pending = { resolve: (r: EngineResponse) => void; reject: (e: Error) => void };
type RequestBody<T extends EngineRequestType> = Omit<Extract<EngineRequest, { type: T }>, 'id' | 'type'>;

export class EngineClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(source: string) {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.worker = new Worker(url);
    this.worker.onmessage = (event: MessageEvent<EngineResponse>) => {
      const res = event.data;
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.type === 'error') p.reject(new Error(res.message));
      else p.resolve(res);
    };
    this.worker.onerror = (event) => {
      const error = new Error(`engine worker failed: ${event.message || 'could not start'}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
  }

  request<T extends EngineRequestType>(req: { type: T } & RequestBody<T>, transfer: Transferable[] = []): Promise<ResponseFor<T>> {
    const id = this.nextId++;
    return new Promise<ResponseFor<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: EngineResponse) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
