/**
 * Between an engine and one of its shards (another worker holding its own copy of the pack's
 * sessions; see engine/runtime/graph-shard.ts). Every request has an id and one answer.
 */
import type { GraphName } from '../pack/pack-types.js';
import type { PlainTensor } from '../runtime/graph-shard.js';
import type { EstimateOptions } from '../transfer/estimate-step.js';
import type { ChangeField } from '../transfer/types.js';

export type ShardRequest =
  | { type: 'init'; id: number; packFiles: Record<string, Uint8Array>; wasmBinary?: ArrayBuffer | Uint8Array }
  /**
   * `feeds` sent with this run; `keep`: those of them the shard holds on to for later runs; `held`:
   * inputs this run takes from what the shard holds (the graph's constant inputs — a stroke's
   * masks and targets, a projection's target — sent once per change, not with every run).
   */
  | { type: 'run'; id: number; graph: GraphName; feeds: Record<string, PlainTensor>; keep?: string[]; held?: string[] }
  | { type: 'dispose'; id: number }
  /** The edit transfer's step fields of some frame pairs (needs no pack). */
  | { type: 'estimate'; id: number; pairs: [Float32Array, Float32Array][]; size: number; options: EstimateOptions };

export type ShardResponse =
  | { type: 'ready'; id: number }
  | { type: 'ran'; id: number; outputs: Record<string, Float32Array> }
  | { type: 'ok'; id: number }
  | { type: 'estimated'; id: number; fields: ChangeField[] }
  | { type: 'error'; id: number; message: string };

/** A message port or worker, as both sides see it (browser Worker / MessagePort; Node's via its adapter). */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
