/**
 * The panel's compute worker (a classic worker started from a Blob URL). For now it holds
 * the streamed assets and does the round trip (decode → re-encode PNG); the engine will
 * be hosted here. Each request is handled in the switch below and always answered.
 */
import type { EngineRequest, EngineResponse, WorkerCapabilities } from './protocol';

interface WorkerScope {
  postMessage(message: EngineResponse, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const assets = new Map<string, Uint8Array>();

/** Decodes any browser-readable image and re-encodes it as PNG at the same size. */
export async function roundTripAsync(bytes: Uint8Array, mime: string): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: mime }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('OffscreenCanvas 2d context is not available');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return { bytes: new Uint8Array(await blob.arrayBuffer()), width: canvas.width, height: canvas.height };
}

function probe(): WorkerCapabilities {
  const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  return {
    webgpu: 'gpu' in navigator,
    offscreenCanvas: typeof OffscreenCanvas !== 'undefined',
    wasmSimd: WebAssembly.validate(simd),
  };
}

async function handleAsync(req: EngineRequest): Promise<EngineResponse> {
  switch (req.type) {
    case 'probe':
      return { id: req.id, type: 'probe', caps: probe() };
    case 'assets': {
      for (const [name, bytes] of Object.entries(req.assets)) assets.set(name, bytes);
      let total = 0;
      for (const bytes of assets.values()) total += bytes.length;
      return { id: req.id, type: 'assets', names: [...assets.keys()], bytes: total };
    }
    case 'roundtrip':
      return { id: req.id, type: 'roundtrip', ...(await roundTripAsync(req.bytes, req.mime)) };
    default:
      return { id: (req as { id?: number }).id ?? -1, type: 'error', message: `unknown request type '${String((req as { type?: unknown }).type)}'` };
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  handleAsync(req)
    .then((res) => scope.postMessage(res, res.type === 'roundtrip' ? [res.bytes.buffer as ArrayBuffer] : []))
    .catch((error: unknown) => scope.postMessage({ id: req?.id ?? -1, type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
