import type { GraphName } from '../pack/pack-types.js';

/** A tensor as it travels between workers: float32 data and its dims. */
export interface PlainTensor {
  data: Float32Array;
  dims: number[];
}

/**
 * Another copy of a pack's sessions (its own single-threaded onnxruntime-web, in another worker)
 * that runs a graph on part of a batch. The panel's iframe has no wasm threads (it is not
 * cross-origin isolated), but several workers still run in parallel: the engine splits the
 * candidates of an edit step, the starts of a projection and the frames of a render across
 * itself and its shards (PackModel.run). `runAsync` must post its work before it first awaits,
 * so the shards compute while the engine's own thread runs its part.
 */
export interface GraphShard {
  /**
   * `constant`: the inputs that are not split by rows (the same whole tensor in every part and, for
   * the steps of one change, in every run): a shard may keep them and be sent only what changed.
   */
  runAsync(graph: GraphName, feeds: Record<string, PlainTensor>, constant?: readonly string[]): Promise<Record<string, Float32Array>>;
  releaseAsync(): Promise<void>;
}
