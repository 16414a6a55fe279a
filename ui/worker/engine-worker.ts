/**
 * The panel's compute worker (a classic worker started from a Blob URL). It hosts the engine
 * through `EngineHost.handleRequest` on the `engine` channel, with the ORT wasm and the pack
 * files taken from the bytes the panel streamed in, and answers the panel's own requests
 * (decode, sequence, transfer → PNG) on the `panel` channel. See ./protocol.ts.
 */
import { EngineHost } from '../../engine/worker/handle-request';
import type { EngineRequest, EngineResponse } from '../../engine/worker/protocol';
import { interpolateLatents } from '../../engine/ops/interpolate';
import { latentLayout } from '../../engine/latent/latent-layout';
import type { Pack } from '../../engine/pack/pack-types';
import { transferEditAsync } from '../../engine/transfer';
import { paintedCoverage } from '../../engine/brushes/rasterize';
import { rgbaToPlanar } from './planar';
import { installSha256Fallback } from './sha256-fallback';
import type { EncodedImage, PanelRequest, PanelResponse, Rgba, SequenceSpec, WorkerCapabilities, WorkerInbound, WorkerOutbound } from './protocol';

interface WorkerScope {
  postMessage(message: WorkerOutbound, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerInbound>) => void) | null;
}
const scope = self as unknown as WorkerScope;
installSha256Fallback(self as unknown as { crypto?: Crypto });
const assets = new Map<string, Uint8Array>();
// The engine's own notices (the GPU was lost: it continues on wasm) go to the panel on the engine channel.
const host = new EngineHost({ notify: (r, t) => scope.postMessage({ ch: 'engine', msg: r }, t) });
let internalId = -1; // engine requests made by the worker itself count down, the panel's count up

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
  return { webgpu: !!adapter, offscreenCanvas: typeof OffscreenCanvas !== 'undefined', wasmSimd: WebAssembly.validate(simd) };
}

/** Asks the engine in this worker; resolves with its terminal answer. */
type EngineBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;
function engineAsync<T extends EngineResponse['type']>(req: EngineBody, expect: T): Promise<Extract<EngineResponse, { type: T }>> {
  return new Promise((resolve, reject) => {
    const id = internalId--;
    void host.handleRequest({ ...req, id }, (r) => {
      if (r.type === expect) resolve(r as Extract<EngineResponse, { type: T }>);
      else if (r.type === 'error' || r.type === 'cancelled') reject(new Error(r.type === 'error' ? r.message : r.reason));
    });
  });
}

/** K latents from `from` to `to` and their images (RGBA, K × R × R × 4). */
async function sequenceAsync(spec: SequenceSpec): Promise<{ latents: Float32Array; images: Uint8ClampedArray }> {
  const layout = latentLayout({ latent: spec.latent } as Pack);
  const latents = interpolateLatents(spec.from, spec.to, spec.frames, layout, { mode: spec.mode });
  const { images } = await engineAsync({ type: 'render', z: latents }, 'rendered');
  return { latents, images };
}

async function handlePanelAsync(req: PanelRequest, post: (r: PanelResponse, t?: Transferable[]) => void): Promise<PanelResponse> {
  switch (req.type) {
    case 'probe':
      return { id: req.id, type: 'probe', caps: await probeAsync() };
    case 'assets': {
      for (const [name, bytes] of Object.entries(req.assets)) assets.set(name, bytes);
      let total = 0;
      for (const bytes of assets.values()) total += bytes.length;
      return { id: req.id, type: 'assets', names: [...assets.keys()], bytes: total };
    }
    case 'decode':
      return { id: req.id, type: 'decoded', image: await decodeAsync(req.bytes, req.mime) };
    case 'roundtrip':
      return { id: req.id, type: 'roundtrip', ...(await roundTripAsync(req.bytes, req.mime)) };
    case 'sequence':
      return { id: req.id, type: 'sequence', ...(await sequenceAsync(req.spec)) };
    case 'transfer': {
      const [original, seq] = await Promise.all([decodeAsync(req.bytes, req.mime), sequenceAsync(req.spec)]);
      const R = req.mapping.resolution;
      const frames = Array.from({ length: req.spec.frames }, (_, k) => rgbaToPlanar(seq.images.subarray(k * R * R * 4, (k + 1) * R * R * 4), R, req.pixelRange));
      post({ id: req.id, type: 'progress', phase: 'transfer', fraction: 0 });
      const painted = req.strokes.length ? paintedCoverage(req.strokes, R) : null;
      const result = await transferEditAsync({ frames, original, mapping: req.mapping, painted }, {
        pixelRange: req.pixelRange,
        allFrames: req.allFrames,
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
      return [r.image.data.buffer as ArrayBuffer];
    case 'sequence':
      return [r.latents.buffer as ArrayBuffer, r.images.buffer as ArrayBuffer];
    case 'transferred':
      return [r.final.bytes.buffer as ArrayBuffer, ...r.frames.map((f) => f.bytes.buffer as ArrayBuffer)].filter((b, i, all) => all.indexOf(b) === i);
    default:
      return [];
  }
}

/** Fills an `init` that names a pack with that pack's streamed files and the ORT wasm. */
function resolveInit(msg: EngineRequest & { packId?: string }): EngineRequest {
  if (msg.type !== 'init' || !msg.packId) return msg;
  const prefix = `packs/${msg.packId}/`;
  const packFiles: Record<string, Uint8Array> = {};
  for (const [name, bytes] of assets) if (name.startsWith(prefix)) packFiles[name.slice(prefix.length)] = bytes;
  if (!Object.keys(packFiles).length) throw new Error(`the model pack "${msg.packId}" was not streamed to the panel`);
  const wasm = [...assets].find(([name]) => name.startsWith('ort/'))?.[1];
  const { packId: _packId, ...rest } = msg;
  return { ...rest, packFiles, wasmBinary: rest.wasmBinary ?? wasm };
}

scope.onmessage = (event) => {
  const inbound = event.data;
  if (inbound?.ch === 'engine') {
    const postEngine = (r: EngineResponse, t: ArrayBuffer[] = []) => scope.postMessage({ ch: 'engine', msg: r }, t);
    let req: EngineRequest;
    try {
      req = resolveInit(inbound.msg);
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
