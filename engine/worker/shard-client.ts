import type { GraphName } from '../pack/pack-types.js';
import type { GraphShard, PlainTensor } from '../runtime/graph-shard.js';
import type { EstimateOptions } from '../transfer/estimate-step.js';
import type { ChangeField } from '../transfer/types.js';
import type { PortLike, ShardRequest, ShardResponse } from './shard-protocol.js';
import { SentInputs } from './sent-inputs.js';

type Body = ShardRequest extends infer R ? (R extends ShardRequest ? Omit<R, 'id'> : never) : never;

/** Request ids unique across every client in this worker: several may share one port (the engine's, the transfer's). */
let nextId = 1;

/** The engine's side of a shard over a port: `startAsync` sends it the pack, then it runs parts of batches. */
export class PortShard implements GraphShard {
  private readonly pending = new Map<number, { resolve: (r: ShardResponse) => void; reject: (e: Error) => void }>();
  /** The constant inputs the shard holds, as sent (each run sends only those that changed). */
  private readonly sent = new SentInputs();

  constructor(private readonly port: PortLike, private readonly onRelease?: () => void) {
    port.addEventListener('message', (e) => {
      const r = e.data as ShardResponse;
      const p = this.pending.get(r?.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.type === 'error') p.reject(new Error(r.message));
      else p.resolve(r);
    });
  }

  /**
   * Sends the pack (copies: the engine keeps its own bytes) and waits until the shard's sessions
   * are ready; with no pack (null), a shard for the transfer's estimations only.
   */
  static async startAsync(port: PortLike, packFiles: Record<string, Uint8Array> | null, wasmBinary?: ArrayBuffer | Uint8Array, onRelease?: () => void): Promise<PortShard> {
    const shard = new PortShard(port, onRelease);
    if (packFiles) await shard.request({ type: 'init', packFiles, ...(wasmBinary ? { wasmBinary } : {}) });
    return shard;
  }

  /** Posts at once (before the first await), so the shard computes while the caller runs its own part. */
  private request(body: Body, transfer: Transferable[] = []): Promise<ShardResponse> {
    const id = nextId++;
    const answer = new Promise<ShardResponse>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.port.postMessage({ ...body, id }, transfer);
    return answer;
  }

  async runAsync(graph: GraphName, feeds: Record<string, PlainTensor>, constant: readonly string[] = []): Promise<Record<string, Float32Array>> {
    const plan = this.sent.plan(feeds, constant);
    const r = await this.request({ type: 'run', graph, feeds: plan.feeds, ...(plan.keep.length ? { keep: plan.keep } : {}), ...(plan.held.length ? { held: plan.held } : {}) });
    if (r.type !== 'ran') throw new Error(`shard: expected outputs, got ${r.type}`);
    return r.outputs;
  }

  /** The edit transfer's step fields of these frame pairs, estimated in the shard's worker. */
  async estimateAsync(pairs: [Float32Array, Float32Array][], size: number, options: EstimateOptions): Promise<ChangeField[]> {
    const r = await this.request({ type: 'estimate', pairs, size, options });
    if (r.type !== 'estimated') throw new Error(`shard: expected fields, got ${r.type}`);
    return r.fields;
  }

  /** Takes the work in flight as failed: the worker behind the port stopped. */
  fail(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  async releaseAsync(): Promise<void> {
    this.sent.clear();
    await this.request({ type: 'dispose' }).catch(() => undefined);
    this.onRelease?.();
  }
}
