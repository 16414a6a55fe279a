import * as ort from 'onnxruntime-web';
import { describeAdapter, isSoftwareAdapter } from './software-adapter.js';
import type { GraphShard } from './graph-shard.js';

export type ExecutionProvider = 'webgpu' | 'wasm';

export interface RuntimeOptions {
  /** 'auto' (default): WebGPU only when `navigator.gpu.requestAdapter()` really returns an adapter, else wasm. */
  executionProvider?: 'auto' | ExecutionProvider;
  /** wasm threads (default 1: the Figma iframe has no cross-origin isolation; Node/bench may raise it). */
  numThreads?: number;
  /** The ORT wasm binary bytes (the worker gets them by message; no fetch). Node finds its own. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where ORT finds its wasm files (alternative to wasmBinary). */
  wasmPaths?: string;
  /** How long the WebGPU probe waits for `requestAdapter()` (default ADAPTER_TIMEOUT_MS, 3 s). */
  adapterTimeoutMs?: number;
  /** Replaces parts of the runtime (tests inject faults here; see RuntimeHooks). */
  runtimeHooks?: RuntimeHooks;
  /**
   * Other copies of the pack's sessions in other workers: on wasm, every batched graph run is
   * split across this thread and them (data parallelism without wasm threads; see GraphShard).
   */
  shards?: GraphShard[];
}

/** The part of an ORT session the engine uses. */
export type RunnableSession = Pick<ort.InferenceSession, 'run' | 'release' | 'inputNames' | 'outputNames'> &
  Partial<Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>>;

/** What the engine needs of a GPUDevice: its `lost` promise. */
export interface GpuDeviceLike {
  readonly lost: Promise<{ reason?: string; message?: string }>;
}

export interface RuntimeHooks {
  /** Makes one session (default `ort.InferenceSession.create`). */
  createSessionAsync?(graph: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<RunnableSession>;
  /**
   * The GPUDevice the WebGPU sessions run on, asked once they exist (default: `ort.env.webgpu.device`,
   * which onnxruntime-web sets when it creates the device for its first WebGPU session).
   */
  gpuDeviceAsync?(): Promise<GpuDeviceLike | null | undefined>;
}

/** Per `ort.env`: the panel's workers bundle two onnxruntime-web builds, each with its own env (ui/worker/ort-builds.ts). */
let configured: { env: object; numThreads: number; hasBinary: boolean } | null = null;

/** Sets `ort.env` once; a second call must agree with the first (ORT reads it when the first session starts). */
export function configureRuntime(options: RuntimeOptions): void {
  const numThreads = options.numThreads ?? 1;
  if (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > 64) {
    throw new Error(`runtime: numThreads must be an integer in [1, 64], got ${String(options.numThreads)}`);
  }
  if (configured?.env === ort.env) {
    if (configured.numThreads !== numThreads) {
      throw new Error(`runtime: already started with numThreads ${configured.numThreads}; ORT cannot change it to ${numThreads} in this process`);
    }
    return;
  }
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.proxy = false; // our own worker hosts the engine; ORT's proxy worker cannot find its script in a bundle
  // ORT's own warnings (e.g. which nodes WebGPU leaves to the CPU) reach the console as errors: only real errors do.
  ort.env.logLevel = 'error';
  if (options.wasmBinary) ort.env.wasm.wasmBinary = wholeBuffer(options.wasmBinary);
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  configured = { env: ort.env, numThreads, hasBinary: options.wasmBinary !== undefined };
}

/** ORT's loader does `new Uint8Array(wasmBinary)`, which copies a Uint8Array (26.8 MB in every worker)
 * but only wraps an ArrayBuffer: hand it the bytes' own buffer when they fill it. */
function wholeBuffer(bytes: ArrayBuffer | Uint8Array): ArrayBuffer | Uint8Array {
  if (!(bytes instanceof Uint8Array)) return bytes;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : bytes;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** How long `requestAdapter()` may take before the engine gives up on WebGPU (some drivers never answer). */
export const ADAPTER_TIMEOUT_MS = 3000;

/**
 * Why the engine runs where it runs, when that is not what was hoped for. `code` is for programs
 * (the panel turns it into words), `message` for people reading logs.
 * - no-webgpu: `navigator.gpu` is absent (a `data:` iframe, a worker that is not a secure context, Node);
 * - no-adapter: `requestAdapter()` answered null; adapter-error: it rejected;
 * - adapter-timeout: it did not settle within the timeout;
 * - software-adapter: the adapter computes on the CPU (a fallback adapter such as SwiftShader): wasm is faster;
 * - device-lost: the GPU device was lost (or a WebGPU run failed) while the engine was running, so it moved to wasm;
 * - cpu-faster: an edit step timed on both ran faster on wasm than on this adapter, so the engine moved to wasm.
 */
export interface ExecutionProviderReason {
  code: 'no-webgpu' | 'no-adapter' | 'adapter-error' | 'adapter-timeout' | 'software-adapter' | 'device-lost' | 'cpu-faster';
  message: string;
}

export interface ExecutionProviderChoice {
  executionProvider: ExecutionProvider;
  /** Set when 'auto' ended on wasm for a reason other than there being no WebGPU at all. */
  reason?: ExecutionProviderReason;
}

const TIMED_OUT = Symbol('timed out');

/**
 * 'webgpu' only when an adapter is really there (a `data:` iframe has no `navigator.gpu`; a machine
 * without a usable GPU returns null) and, for 'auto', is not a software one (SwiftShader), and says
 * why not. An explicit 'webgpu' takes even a software adapter (tests of the WebGPU path use it). A `requestAdapter()` that never settles is
 * given up after `adapterTimeoutMs` (default 3 s): the engine then runs on wasm rather than hang.
 */
export async function probeExecutionProviderAsync(
  preference: RuntimeOptions['executionProvider'] = 'auto',
  options: { adapterTimeoutMs?: number } = {},
): Promise<ExecutionProviderChoice> {
  if (preference === 'wasm') return { executionProvider: 'wasm' };
  const timeoutMs = options.adapterTimeoutMs ?? ADAPTER_TIMEOUT_MS;
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  let reason: ExecutionProviderReason;
  if (!gpu) {
    reason = { code: 'no-webgpu', message: 'WebGPU is not available here (no navigator.gpu)' };
  } else {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const adapter = await Promise.race([
        gpu.requestAdapter(),
        new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs); }),
      ]);
      if (adapter === TIMED_OUT) reason = { code: 'adapter-timeout', message: `navigator.gpu.requestAdapter() did not answer within ${timeoutMs} ms` };
      else if (adapter && isSoftwareAdapter(adapter) && preference === 'auto') {
        reason = { code: 'software-adapter', message: `the WebGPU adapter computes on the CPU (${describeAdapter(adapter) ?? 'a fallback adapter'}); wasm is faster` };
      } else if (adapter) return { executionProvider: 'webgpu' };
      else reason = { code: 'no-adapter', message: 'navigator.gpu.requestAdapter() returned no adapter' };
    } catch (e) {
      reason = { code: 'adapter-error', message: `navigator.gpu.requestAdapter() failed: ${(e as Error)?.message ?? String(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }
  if (preference === 'webgpu') throw new Error(`runtime: executionProvider "webgpu" was asked for but no WebGPU adapter is available (${reason.message})`);
  return reason.code === 'no-webgpu' ? { executionProvider: 'wasm' } : { executionProvider: 'wasm', reason };
}

/** The execution provider `probeExecutionProviderAsync` picks (without the reason). */
export async function chooseExecutionProviderAsync(preference: RuntimeOptions['executionProvider'] = 'auto', options: { adapterTimeoutMs?: number } = {}): Promise<ExecutionProvider> {
  return (await probeExecutionProviderAsync(preference, options)).executionProvider;
}

/** What an error from a WebGPU run says when the device is gone (Chromium, Dawn and ORT wordings). */
const DEVICE_LOST = /device (?:is |was |has been )?lost|lost device|device.{0,40}destroyed|destroyed.{0,40}device|instance dropped|DXGI_ERROR_DEVICE|context lost|gpu process|GPU stopped/i;

/** Whether an error thrown by a run on the WebGPU EP says the GPU device is gone. */
export function isDeviceLostError(error: unknown): boolean {
  const e = error as { message?: unknown; name?: unknown } | null;
  const text = `${typeof e?.name === 'string' ? e.name : ''}: ${typeof e?.message === 'string' ? e.message : String(error)}`;
  return DEVICE_LOST.test(text);
}
