/**
 * The engine's message protocol: one request/response union, used by the panel's worker and by
 * in-process callers alike. Every request gets exactly one terminal response (its answer, `cancelled`
 * or `error`); `progress` and non-final `candidates` may come before it.
 */
import type { Stroke } from '../brushes/strokes.js';
import type { CodeChange } from '../latent/codes.js';
import type { Fit, FrameMapping, RgbaImage } from '../image/frame.js';
import type { EditOptions } from '../ops/edit-session.js';
import type { CategoricalMode, InterpolationMode } from '../ops/interpolate.js';
import type { EditDefaults, LatentSpec, ProjectDefaults } from '../pack/pack-types.js';
import type { ExecutionProviderReason } from '../runtime/runtime.js';

/** Edit options that can travel in a message: all but the callback (the worker streams updates as messages). */
export type EditOptionsData = Omit<EditOptions, 'onUpdate'>;

export type EngineRequest =
  | {
      type: 'init'; id: number;
      /** Every file of the pack by name (pack.json, the .onnx graphs, weights.bin). */
      packFiles: Record<string, Uint8Array>;
      wasmBinary?: ArrayBuffer | Uint8Array;
      executionProvider?: 'auto' | 'webgpu' | 'wasm';
      numThreads?: number;
      edit?: EditOptionsData;
    }
  | {
      type: 'project'; id: number; image: RgbaImage;
      fit?: Fit; background?: [number, number, number]; iterations?: number; starts?: number; seed?: number;
    }
  | { type: 'start-editing'; id: number; z: Float32Array; options?: EditOptionsData }
  | { type: 'edit'; id: number; strokes: Stroke[] }
  | { type: 'fix'; id: number; index: number }
  | { type: 'set-code'; id: number; change: CodeChange }
  | { type: 'set-latent'; id: number; z: Float32Array }
  | { type: 'interpolate'; id: number; to: number | Float32Array; frames?: number; mode?: InterpolationMode; categorical?: CategoricalMode }
  | { type: 'render'; id: number; z: Float32Array }
  /** Runs every graph once (wasm code tiers up, WebGPU compiles its shaders) so the first projection and edit run at full speed. */
  | { type: 'warm-up'; id: number }
  /** Times one edit step of `candidates` on the engine's execution provider (to pick the faster of WebGPU and wasm). */
  | { type: 'time-step'; id: number; candidates?: number; repeats?: number }
  | { type: 'cancel'; id: number; target: number }
  | { type: 'dispose'; id: number };

export type EngineRequestType = EngineRequest['type'];
export const REQUEST_TYPES: readonly EngineRequestType[] = [
  'init', 'project', 'start-editing', 'edit', 'fix', 'set-code', 'set-latent', 'interpolate', 'render', 'warm-up', 'time-step', 'cancel', 'dispose',
];

export interface PackSummary {
  id: string;
  title: string;
  resolution: number;
  latent: LatentSpec;
  defaults: { edit: EditDefaults; project: ProjectDefaults };
  license: string;
}

export interface CandidatesPayload {
  step: number;
  steps: number;
  /** Kept candidates, best first. */
  order: number[];
  /** [B] costs; [B, 3] unweighted (colour, edge, smooth); [B, L] latents. */
  loss: Float32Array;
  terms: Float32Array;
  z: Float32Array;
  /** [B, R, R, 4] RGBA bytes, candidate after candidate. */
  images: Uint8ClampedArray;
  /** z0 and the values of its InfoGAN codes (continuous: value, categorical: index). */
  z0: Float32Array;
  codes: Record<string, number>;
}

export type EngineResponse =
  | {
      type: 'ready'; id: number; pack: PackSummary; executionProvider: string;
      /** Workers sharing each batch (1, or more on wasm with the panel's helper workers). */
      workers?: number;
      /** Why 'auto' chose wasm although WebGPU exists (e.g. `adapter-timeout`); absent otherwise. */
      executionProviderReason?: ExecutionProviderReason;
    }
  /**
   * Not an answer: sent on its own (id 0) when the engine moved to another execution provider while
   * running — the GPU was lost, so it continues on wasm. Requests in flight still get their answer.
   */
  | { type: 'execution-provider'; id: number; executionProvider: string; previous: string; reason: ExecutionProviderReason }
  | {
      type: 'projected'; id: number; z: Float32Array; image: Uint8ClampedArray; mapping: FrameMapping;
      loss: number; pixelError: number; encoderPixelError: number; codes: Record<string, number>;
    }
  | {
      type: 'progress'; id: number; stage: 'project' | 'interpolate'; done: number; total: number; loss?: number; pixelError?: number;
      /** A projection's best image so far, RGBA R×R: the encoder's guess first, then L-BFGS-B's improvements (at most every ~100 ms). */
      image?: Uint8ClampedArray;
    }
  | ({ type: 'candidates'; id: number; final: boolean } & CandidatesPayload)
  | { type: 'frames'; id: number; latents: Float32Array; images: Uint8ClampedArray }
  | { type: 'rendered'; id: number; images: Uint8ClampedArray }
  | { type: 'step-timed'; id: number; ms: number; candidates: number; executionProvider: string }
  | { type: 'ok'; id: number }
  | { type: 'cancelled'; id: number; reason: string }
  | { type: 'error'; id: number; message: string; field?: string };

/** The id of messages that answer no request (`execution-provider`). Clients number requests from 1. */
export const NOTICE_ID = 0;

/** The terminal response each request type is answered with (besides `cancelled` / `error`). */
export interface ResponseFor {
  init: Extract<EngineResponse, { type: 'ready' }>;
  project: Extract<EngineResponse, { type: 'projected' }>;
  'start-editing': Extract<EngineResponse, { type: 'candidates' }>;
  edit: Extract<EngineResponse, { type: 'candidates' }>;
  fix: Extract<EngineResponse, { type: 'candidates' }>;
  'set-code': Extract<EngineResponse, { type: 'candidates' }>;
  'set-latent': Extract<EngineResponse, { type: 'candidates' }>;
  interpolate: Extract<EngineResponse, { type: 'frames' }>;
  render: Extract<EngineResponse, { type: 'rendered' }>;
  'time-step': Extract<EngineResponse, { type: 'step-timed' }>;
  'warm-up': Extract<EngineResponse, { type: 'ok' }>;
  cancel: Extract<EngineResponse, { type: 'ok' }>;
  dispose: Extract<EngineResponse, { type: 'ok' }>;
}

export type RequestOf<T extends EngineRequestType> = Extract<EngineRequest, { type: T }>;

/** A request without its id (what a client sends; the client numbers it). Distributive, unlike Omit<EngineRequest, 'id'>. */
export type EngineRequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

/** Whether `r` ends its request (every request gets exactly one of these). */
export function isTerminal(r: EngineResponse): boolean {
  return r.type !== 'progress' && r.type !== 'execution-provider' && !(r.type === 'candidates' && !r.final);
}

/** Checks the envelope of an incoming message; throws naming what is wrong (the body is checked by the engine). */
export function parseRequest(data: unknown): EngineRequest {
  if (typeof data !== 'object' || data === null) throw new Error('engine request: must be an object');
  const { type, id } = data as { type?: unknown; id?: unknown };
  if (!Number.isSafeInteger(id)) throw new Error(`engine request: id must be an integer, got ${JSON.stringify(id)}`);
  if (typeof type !== 'string' || !(REQUEST_TYPES as readonly string[]).includes(type)) {
    throw new Error(`engine request: unknown type ${JSON.stringify(type)} (known: ${REQUEST_TYPES.join(', ')})`);
  }
  return data as EngineRequest;
}
