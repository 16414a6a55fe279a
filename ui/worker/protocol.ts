/**
 * The panel's compute worker speaks two channels over one Worker:
 * - `engine`: the engine's own protocol (engine/worker/protocol.ts), answered by EngineHost.
 *   One addition, handled here before the engine sees it: an `init` may name a `packId`
 *   instead of carrying the files; the worker fills in that pack's files and the ORT wasm
 *   from the bytes the panel streamed in (`assets`).
 * - `panel`: what the panel needs besides the engine: holding the streamed assets, decoding
 *   and encoding images, the interpolated sequence and the edit transfer to full resolution.
 * Every request carries an id and is answered exactly once, with a result or an `error`.
 */
import type { EngineRequest, EngineResponse } from '../../engine/worker/protocol';
import type { FrameMapping } from '../../engine/image/frame';
import type { LatentSpec } from '../../engine/pack/pack-types';
import type { Stroke } from '../../engine/brushes/strokes';

export interface WorkerCapabilities {
  /** A WebGPU adapter answered in the worker (where the engine runs). */
  webgpu: boolean;
  offscreenCanvas: boolean;
  wasmSimd: boolean;
}

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Interpolation from the projection to a chosen latent, in the pack's latent layout. */
export interface SequenceSpec {
  latent: LatentSpec;
  from: Float32Array;
  to: Float32Array;
  frames: number;
  mode: 'linear' | 'slerp';
}

export type PanelRequest =
  | { id: number; type: 'probe' }
  | { id: number; type: 'assets'; assets: Record<string, Uint8Array> }
  | { id: number; type: 'decode'; bytes: Uint8Array; mime: string }
  | { id: number; type: 'roundtrip'; bytes: Uint8Array; mime: string }
  | { id: number; type: 'sequence'; spec: SequenceSpec }
  | {
      id: number; type: 'transfer'; spec: SequenceSpec; bytes: Uint8Array; mime: string; mapping: FrameMapping;
      pixelRange: [number, number]; allFrames: boolean;
      /** The strokes of a stroke edit: the change is confined to the region they painted (none: the whole layer). */
      strokes: Stroke[];
    };

export interface EncodedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

export type PanelResponse =
  | { id: number; type: 'probe'; caps: WorkerCapabilities }
  | { id: number; type: 'assets'; names: string[]; bytes: number }
  | { id: number; type: 'decoded'; image: Rgba }
  | { id: number; type: 'roundtrip'; bytes: Uint8Array; width: number; height: number }
  | { id: number; type: 'sequence'; latents: Float32Array; images: Uint8ClampedArray }
  | { id: number; type: 'progress'; fraction: number; phase: string }
  | { id: number; type: 'transferred'; final: EncodedImage; frames: EncodedImage[] }
  | { id: number; type: 'error'; message: string };

export type PanelRequestType = PanelRequest['type'];
export type PanelAnswer<T extends PanelRequestType> = Extract<PanelResponse, { type: AnswerType[T] }>;
interface AnswerType {
  probe: 'probe';
  assets: 'assets';
  decode: 'decoded';
  roundtrip: 'roundtrip';
  sequence: 'sequence';
  transfer: 'transferred';
}

/** An engine `init` that names a streamed pack instead of carrying its files. */
export type EngineInitByPack = Extract<EngineRequest, { type: 'init' }> & { packId?: string };

export type WorkerInbound = { ch: 'engine'; msg: EngineRequest | EngineInitByPack } | { ch: 'panel'; msg: PanelRequest };
export type WorkerOutbound = { ch: 'engine'; msg: EngineResponse } | { ch: 'panel'; msg: PanelResponse };
