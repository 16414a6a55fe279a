/**
 * The panel's compute worker (a classic worker started from a Blob URL). It hosts the engine
 * through `EngineHost.handleRequest` on the `engine` channel, with the ORT wasm and the pack
 * files taken from the bytes the panel streamed in, and answers the panel's own requests
 * (decode, transfer → PNG, a pack's files for an engine hosted in the panel) on the `panel`
 * channel. None of the panel jobs uses this worker's engine: the transfer gets its frames
 * rendered by the engine wherever it runs. See ./protocol.ts.
 */
import { Engine } from '../../engine/engine';
import { EngineHost } from '../../engine/worker/handle-request';
import type { EngineRequest, EngineResponse } from '../../engine/worker/protocol';
import { strokePaint, transferEditAsync } from '../../engine/transfer';
import { estimateStepsInParallel } from '../../engine/transfer/estimate-steps-parallel';
import { isSoftwareAdapter } from '../../engine/runtime/software-adapter';
import { installShardHost } from '../../engine/worker/shard-host';
import { PortShard } from '../../engine/worker/shard-client';
import type { PortLike } from '../../engine/worker/shard-protocol';
import { backdropFrames, rgbaToPlanar } from './planar';
import { installSha256Fallback } from './sha256-fallback';
import { packFilesFrom, resolveInit } from './pack-files';
import { ortWasmAsset } from './ort-assets';
import { useOrtBuild } from './ort-builds';
import { chooseOrtBuildAsync } from './choose-ort-build';
import { PreviewCache } from './preview-cache';
import type { EncodedImage, PanelRequest, PanelResponse, Rgba, WorkerCapabilities, WorkerInbound, WorkerOutbound } from './protocol';

interface WorkerScope {
  postMessage(message: WorkerOutbound, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerInbound>) => void) | null;
}
const scope = self as unknown as WorkerScope;
installSha256Fallback(self as unknown as { crypto?: Crypto });
const assets = new Map<string, Uint8Array>();
/** The channels to the helper workers, once the panel started them: each engine on wasm shares its batches with them. */
let shardPorts: MessagePort[] = [];
/** The same helpers, for the transfer's frame-pair estimations (they need no pack). */
let estimators: PortShard[] = [];
const asPort = (port: MessagePort): PortLike => ({
  postMessage: (m, t) => port.postMessage(m, t ?? []),
  addEventListener: (_type, listener) => port.addEventListener('message', listener),
});
// The engine's own notices (the GPU was lost: it continues on wasm) go to the panel on the engine channel.
const host = new EngineHost({
  notify: (r, t) => scope.postMessage({ ch: 'engine', msg: r }, t),
  // Chosen here, after the host checked that no engine runs: the ORT build switches with it.
  createEngineAsync: async (source, options) => {
    const { build, wasmBinary, executionProvider } = await chooseOrtBuildAsync(assets, options.executionProvider);
    useOrtBuild(build);
    return Engine.createAsync(source, { ...options, executionProvider, ...(wasmBinary ? { wasmBinary } : {}) });
  },
  // The helpers run wasm only: the plain build's bytes.
  startShardsAsync: ({ packFiles }) => Promise.all(shardPorts.map((port) => {
    port.start();
    return PortShard.startAsync(asPort(port), packFiles, assets.get(ortWasmAsset('cpu')));
  })),
});

async function decodeAsync(bytes: Uint8Array, mime: string): Promise<Rgba> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: mime }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('OffscreenCanvas 2d context is not available');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, data };
}

async function encodePngAsync(image: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }): Promise<EncodedImage> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('OffscreenCanvas 2d context is not available');
  context.putImageData(new ImageData(new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.byteLength), image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return { bytes: new Uint8Array(await blob.arrayBuffer()), width: image.width, height: image.height };
}

/** Decodes any browser-readable image and re-encodes it as PNG at the same size. */
export async function roundTripAsync(bytes: Uint8Array, mime: string): Promise<EncodedImage> {
  return encodePngAsync(await decodeAsync(bytes, mime));
}

async function probeAsync(): Promise<WorkerCapabilities> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await Promise.race([gpu.requestAdapter().catch(() => null), new Promise((r) => setTimeout(() => r(null), 3000))]) : null;
  const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  // A software adapter (SwiftShader) counts as none: wasm is faster than it.
  return { webgpu: !!adapter && !isSoftwareAdapter(adapter), offscreenCanvas: typeof OffscreenCanvas !== 'undefined', wasmSimd: WebAssembly.validate(simd) };
}

/** The panel's requests still running that a `cancel` can stop (the preview's), by id. */
const running = new Map<number, AbortController>();
const previews = new PreviewCache({ decodeAsync, estimateSteps: () => (estimators.length ? estimateStepsInParallel(estimators) : undefined) });

async function handlePanelAsync(req: PanelRequest, post: (r: PanelResponse, t?: Transferable[]) => void): Promise<PanelResponse> {
  switch (req.type) {
    case 'cancel':
      running.get(req.target)?.abort();
      return { id: req.id, type: 'cancelled' };
    case 'preview': {
      const abort = new AbortController();
      running.set(req.id, abort);
      try {
        return { id: req.id, type: 'previewed', key: req.key, frame: req.frame, image: await previews.renderAsync(req, abort.signal) };
      } finally {
        running.delete(req.id);
      }
    }
    case 'probe':
      return { id: req.id, type: 'probe', caps: await probeAsync() };
    case 'assets': {
      for (const [name, bytes] of Object.entries(req.assets)) assets.set(name, bytes);
      let total = 0;
      for (const bytes of assets.values()) total += bytes.length;
      return { id: req.id, type: 'assets', names: [...assets.keys()], bytes: total };
    }
    case 'decode': {
      const image = await decodeAsync(req.bytes, req.mime);
      // The pixels go to the panel (moved); a copy stays for the layer's first preview.
      previews.rememberDecoded(req.bytes, { width: image.width, height: image.height, data: image.data.slice() });
      return { id: req.id, type: 'decoded', image };
    }
    case 'roundtrip':
      return { id: req.id, type: 'roundtrip', ...(await roundTripAsync(req.bytes, req.mime)) };
    case 'pack-files':
      // Copies (structured clone): the worker keeps its own, to host the engine again if need be.
      // For an engine in the panel's own thread, which runs WebGPU only: the WebGPU build's wasm.
      return { id: req.id, type: 'pack-files', ...packFilesFrom(assets, req.packId, 'gpu') };
    case 'transfer': {
      const R = req.mapping.resolution;
      if (!Number.isInteger(req.frames) || req.frames < 2 || req.images?.length !== req.frames * R * R * 4) {
        throw new Error(`transfer: expected ${req.frames} frames of ${R}×${R} RGBA, got ${req.images?.length} bytes`);
      }
      const original = await decodeAsync(req.bytes, req.mime);
      const frames = Array.from({ length: req.frames }, (_, k) => rgbaToPlanar(req.images.subarray(k * R * R * 4, (k + 1) * R * R * 4), R, req.pixelRange));
      post({ id: req.id, type: 'progress', phase: 'transfer', fraction: 0 });
      const result = await transferEditAsync({ frames, original, mapping: req.mapping, ...strokePaint(req.strokes, R), reshaped: req.reshaped === true, colours: req.colours ?? [], coloursBefore: req.coloursBefore ?? [], colourStroke: req.colourStroke === true, backdrops: backdropFrames(req.backdrops, R, req.pixelRange) }, {
        pixelRange: req.pixelRange,
        allFrames: req.allFrames,
        ...(estimators.length ? { estimateStepsAsync: estimateStepsInParallel(estimators) } : {}),
        onProgress: (p) => post({ id: req.id, type: 'progress', phase: p.phase, fraction: p.fraction * 0.9 }),
      });
      const final = await encodePngAsync(result.final);
      const frameImages: EncodedImage[] = [];
      for (const f of req.allFrames ? (result.frames ?? []) : []) frameImages.push(await encodePngAsync(f));
      post({ id: req.id, type: 'progress', phase: 'encode', fraction: 1 });
      return { id: req.id, type: 'transferred', final, frames: frameImages };
    }
  }
}

function transferables(r: PanelResponse): Transferable[] {
  switch (r.type) {
    case 'roundtrip':
      return [r.bytes.buffer as ArrayBuffer];
    case 'decoded':
    case 'previewed':
      return [r.image.data.buffer as ArrayBuffer];
    case 'transferred':
      return [r.final.bytes.buffer as ArrayBuffer, ...r.frames.map((f) => f.bytes.buffer as ArrayBuffer)].filter((b, i, all) => all.indexOf(b) === i);
    default:
      return [];
  }
}

scope.onmessage = (event) => {
  const inbound = event.data;
  if (inbound?.ch === 'shards') {
    shardPorts = inbound.ports;
    for (const port of shardPorts) port.start();
    estimators = shardPorts.map((port) => new PortShard(asPort(port)));
    return;
  }
  if (inbound?.ch === 'shard-host') {
    useOrtBuild('cpu'); // a helper runs wasm only
    installShardHost(asPort(inbound.port));
    inbound.port.start();
    return;
  }
  if (inbound?.ch === 'engine') {
    const postEngine = (r: EngineResponse, t: ArrayBuffer[] = []) => scope.postMessage({ ch: 'engine', msg: r }, t);
    let req: EngineRequest;
    try {
      // The wasm bytes are picked again with the ORT build when the engine is made (createEngineAsync).
      req = resolveInit(inbound.msg, (packId) => packFilesFrom(assets, packId, 'cpu'));
    } catch (error) {
      postEngine({ type: 'error', id: inbound.msg.id, message: error instanceof Error ? error.message : String(error) });
      return;
    }
    void host.handleRequest(req, postEngine);
    return;
  }
  if (inbound?.ch !== 'panel') return;
  const req = inbound.msg;
  const post = (r: PanelResponse, t: Transferable[] = []) => scope.postMessage({ ch: 'panel', msg: r }, t);
  handlePanelAsync(req, post)
    .then((res) => post(res, transferables(res)))
    .catch((error: unknown) => post({ id: req?.id ?? -1, type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
