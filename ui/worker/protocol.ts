/**
 * The panel's compute worker speaks two channels over one Worker:
 * - `engine`: the engine's own protocol (engine/worker/protocol.ts), answered by EngineHost.
 *   One addition, handled here before the engine sees it: an `init` may name a `packId`
 *   instead of carrying the files; the worker fills in that pack's files and the ORT wasm
 *   from the bytes the panel streamed in (`assets`).
 * - `panel`: what the panel needs besides the engine: holding the streamed assets (and handing
 *   a pack's files back, for an engine hosted in the panel's own thread), decoding and encoding
 *   images, and the edit transfer to full resolution. The transfer gets the frames rendered
 *   already (the panel asks the engine for them, wherever it runs), not a spec to render.
 * Every request carries an id and is answered exactly once, with a result or an `error`.
 */
import type { EngineRequest, EngineResponse } from '../../engine/worker/protocol';
import type { FrameMapping } from '../../engine/image/frame';
import type { Stroke } from '../../engine/brushes/strokes';

export interface WorkerCapabilities {
  /**
   * A WebGPU adapter answered in the worker. In `srcdoc` hosting the panel is a secure context
   * with WebGPU but its Blob worker is not, so this is false there even where the panel has one.
   */
  webgpu: boolean;
  offscreenCanvas: boolean;
  wasmSimd: boolean;
}

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A pack's files and the ORT wasm, as an engine `init` carries them. */
export interface PackFiles {
  packFiles: Record<string, Uint8Array>;
  wasmBinary?: Uint8Array;
}

export type PanelRequest =
  | { id: number; type: 'probe' }
  | { id: number; type: 'assets'; assets: Record<string, Uint8Array> }
  | { id: number; type: 'decode'; bytes: Uint8Array; mime: string }
  | { id: number; type: 'roundtrip'; bytes: Uint8Array; mime: string }
  /** Copies of a streamed pack's files and the ORT wasm (the worker keeps its own). */
  | { id: number; type: 'pack-files'; packId: string }
  | {
      id: number; type: 'transfer';
      /** The sequence's frames G(z_k), k = 0 … frames − 1, RGBA frames × R × R × 4 (R = mapping.resolution). */
      images: Uint8ClampedArray;
      frames: number;
      bytes: Uint8Array; mime: string; mapping: FrameMapping;
      pixelRange: [number, number]; allFrames: boolean;
      /** The strokes of a stroke edit: the change is confined to the region they painted (none: the whole layer). */
      strokes: Stroke[];
      /** A code that changes shapes moved (engine/transfer TransferInput `reshaped`). */
      reshaped: boolean;
      /** The colours the moved colour codes name, 0–255 RGB (TransferInput `colours`). */
      colours: number[][];
      /** What the same codes named before the edit (TransferInput `coloursBefore`); absent: not known. */
      coloursBefore?: number[][];
      /** Only colour codes moved (TransferInput `colourStroke`). */
      colourStroke?: boolean;
      /** The last frame over two backdrops (TransferInput `backdrops`); absent or null: none. */
      backdrops?: Backdrops | null;
    }
  /**
   * The preview (issue 17): the transfer of `transfer`, its estimation done once and kept under
   * `key` (the worker keeps the last few), rendered at ≤ `maxSide` a side. Without `images` the
   * estimation under `key` must be there already (a scrubbed frame); the layer decoded and scaled
   * down is kept by `sourceKey`.
   */
  | {
      id: number; type: 'preview';
      key: string; sourceKey: string;
      /** As `transfer`'s; absent: reuse the estimation kept under `key`. */
      prepare?: { images: Uint8ClampedArray; frames: number; bytes: Uint8Array; mime: string; mapping: FrameMapping; pixelRange: [number, number]; strokes: Stroke[]; reshaped: boolean; colours: number[][]; coloursBefore?: number[][]; colourStroke?: boolean; backdrops?: Backdrops | null };
      /** Frame k of the sequence, 1 … frames − 1 (the last is the whole edit). */
      frame: number;
      maxSide: number;
    }
  /** Stops the request `target` (its answer is an error named AbortError); answered at once. */
  | { id: number; type: 'cancel'; target: number };

/** G(z1) rendered with the pack's background code at two of its colours: [2, R, R, 4] RGBA, and those colours (0–255 RGB). */
export interface Backdrops { images: Uint8ClampedArray; colours: [number[], number[]] }

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
  | ({ id: number; type: 'pack-files' } & PackFiles)
  | { id: number; type: 'progress'; fraction: number; phase: string }
  | { id: number; type: 'transferred'; final: EncodedImage; frames: EncodedImage[] }
  | { id: number; type: 'previewed'; key: string; frame: number; image: Rgba }
  | { id: number; type: 'cancelled' }
  | { id: number; type: 'error'; message: string };

export type PanelRequestType = PanelRequest['type'];
export type PanelAnswer<T extends PanelRequestType> = Extract<PanelResponse, { type: AnswerType[T] }>;
interface AnswerType {
  probe: 'probe';
  assets: 'assets';
  decode: 'decoded';
  roundtrip: 'roundtrip';
  'pack-files': 'pack-files';
  transfer: 'transferred';
  preview: 'previewed';
  cancel: 'cancelled';
}

/** An engine `init` that names a streamed pack instead of carrying its files. */
export type EngineInitByPack = Extract<EngineRequest, { type: 'init' }> & { packId?: string };

export type WorkerInbound =
  | { ch: 'engine'; msg: EngineRequest | EngineInitByPack }
  | { ch: 'panel'; msg: PanelRequest }
  /** To the compute worker: its ends of the channels to the helper workers (ui/worker/helpers.ts). */
  | { ch: 'shards'; ports: MessagePort[] }
  /** To a helper worker: become a shard on this port. */
  | { ch: 'shard-host'; port: MessagePort };
export type WorkerOutbound = { ch: 'engine'; msg: EngineResponse } | { ch: 'panel'; msg: PanelResponse };
