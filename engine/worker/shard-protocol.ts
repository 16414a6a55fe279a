/**
 * Between an engine and one of its shards (another worker holding its own copy of the pack's
 * sessions; see engine/runtime/graph-shard.ts). Every request has an id and one answer.
 */
import type { GraphName } from '../pack/pack-types.js';
import type { PlainTensor } from '../runtime/graph-shard.js';

export type ShardRequest =
  | { type: 'init'; id: number; packFiles: Record<string, Uint8Array>; wasmBinary?: ArrayBuffer | Uint8Array }
  | { type: 'run'; id: number; graph: GraphName; feeds: Record<string, PlainTensor> }
  | { type: 'dispose'; id: number };

export type ShardResponse =
  | { type: 'ready'; id: number }
  | { type: 'ran'; id: number; outputs: Record<string, Float32Array> }
  | { type: 'ok'; id: number }
  | { type: 'error'; id: number; message: string };

/** A message port or worker, as both sides see it (browser Worker / MessagePort; Node's via its adapter). */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
