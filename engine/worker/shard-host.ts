import { loadPackAsync } from '../pack/load-pack.js';
import { memoryPackSource } from '../pack/pack-source.js';
import { PackModel } from '../runtime/pack-model.js';
import { estimateStep } from '../transfer/estimate-step.js';
import type { PlainTensor } from '../runtime/graph-shard.js';
import type { PortLike, ShardRequest, ShardResponse } from './shard-protocol.js';

/**
 * Makes a worker (or one end of a channel) a shard: its own single-threaded wasm sessions of the
 * pack the engine sends, running the parts of batches the engine hands it. Requests are taken in
 * order; each is answered once, errors included.
 */
export function installShardHost(port: PortLike): void {
  let model: PackModel | null = null;
  /** Inputs the engine sent once to be used by later runs (see ShardRequest 'run'). */
  const held = new Map<string, PlainTensor>();
  let queue: Promise<void> = Promise.resolve();
  const answer = (r: ShardResponse, transfer: Transferable[] = []) => port.postMessage(r, transfer);
  port.addEventListener('message', (e) => {
    const req = e.data as ShardRequest;
    if (!req || typeof req !== 'object' || !Number.isSafeInteger(req.id)) return;
    queue = queue.then(async () => {
      try {
        switch (req.type) {
          case 'init': {
            if (model) throw new Error('shard: already initialised');
            held.clear();
            // The engine checked the pack's hashes already; this copy of its bytes is the same.
            const loaded = await loadPackAsync(memoryPackSource(req.packFiles), { skipHashes: true });
            model = await PackModel.createAsync(loaded, { executionProvider: 'wasm', numThreads: 1, wasmBinary: req.wasmBinary });
            return answer({ type: 'ready', id: req.id });
          }
          case 'run': {
            if (!model) throw new Error('shard: not initialised');
            const feeds = { ...req.feeds };
            for (const name of req.keep ?? []) held.set(name, feeds[name]!);
            for (const name of req.held ?? []) {
              const kept = held.get(name);
              if (!kept) throw new Error(`shard: the input ${name} was never sent`);
              feeds[name] = kept;
            }
            const outputs = await model.runGraphAsync(req.graph, feeds);
            return answer({ type: 'ran', id: req.id, outputs }, Object.values(outputs).map((o) => o.buffer as ArrayBuffer));
          }
          case 'estimate': {
            const fields = req.pairs.map(([a, b]) => estimateStep(a, b, req.size, req.options));
            return answer({ type: 'estimated', id: req.id, fields }, fields.flatMap((f) => [f.flowX.buffer, f.flowY.buffer, f.colour.buffer] as ArrayBuffer[]));
          }
          case 'dispose': {
            const m = model;
            model = null;
            held.clear();
            await m?.releaseAsync();
            return answer({ type: 'ok', id: req.id });
          }
          default:
            throw new Error(`shard: unknown request ${JSON.stringify((req as { type?: unknown }).type)}`);
        }
      } catch (error) {
        answer({ type: 'error', id: req.id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
