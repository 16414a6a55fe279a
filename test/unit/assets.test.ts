/** The asset stream: embedded by the build (gzip + base64), chunked by the main thread, reassembled by the panel. */
import { describe, expect, it } from 'vitest';
import { AssetReceiver } from '../../ui/host/assets';
import { isNeededAsset } from '../../ui/host/needed-assets';
import { embed } from '../../scripts/build';

describe('asset streaming', () => {
  it('reassembles chunks into the original bytes', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    const asset = embed('packs/t/weights.bin', 'pack-file', bytes, 't');
    const chunkChars = 4096;
    const chunks = Math.ceil(asset.data.length / chunkChars);
    const receiver = new AssetReceiver([{ ...asset, chunks }]);
    let out: Uint8Array | null = null;
    for (let i = 0; i < chunks; i++) out = await receiver.addAsync(asset.name, i, asset.data.slice(i * chunkChars, (i + 1) * chunkChars));
    expect(out).toEqual(bytes);
    expect(receiver.done.get(asset.name)).toEqual(bytes);
  });

  it('refuses chunks out of order, unannounced assets, and corrupt data', async () => {
    const asset = embed('a', 'ort-wasm', new Uint8Array([1, 2, 3]));
    const receiver = new AssetReceiver([{ ...asset, chunks: 1 }]);
    await expect(receiver.addAsync('a', 1, asset.data)).rejects.toThrow('chunk 1 arrived, expected 0');
    await expect(receiver.addAsync('b', 0, asset.data)).rejects.toThrow('asset b was not announced');
    const bad = new AssetReceiver([{ ...asset, chunks: 1, bytes: 4 }]);
    await expect(bad.addAsync('a', 0, asset.data)).rejects.toThrow('3 bytes, expected 4');
  });

  it('drops an asset not needed here, mid-stream: what came is let go, what comes is ignored', async () => {
    let x = 12345;
    const bytes = new Uint8Array(200_000).map(() => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24)); // incompressible: several chunks
    const gpu = embed('ort/gpu.wasm', 'ort-wasm-webgpu', bytes);
    const chunkChars = 4096, chunks = Math.ceil(gpu.data.length / chunkChars);
    const receiver = new AssetReceiver([{ ...gpu, chunks }]);
    const chunk = (i: number) => gpu.data.slice(i * chunkChars, (i + 1) * chunkChars);
    expect(await receiver.addAsync(gpu.name, 0, chunk(0))).toBeNull();
    receiver.drop(gpu.name);
    for (let i = 1; i < chunks; i++) expect(await receiver.addAsync(gpu.name, i, chunk(i))).toBeNull();
    expect(receiver.done.size).toBe(0);
  });

  it("waits for the WebGPU build's wasm only where the panel found a hardware adapter", () => {
    expect(isNeededAsset({ kind: 'ort-wasm-webgpu' }, { webgpu: 'adapter' })).toBe(true);
    for (const webgpu of ['absent', 'no-adapter', 'software'] as const) {
      expect(isNeededAsset({ kind: 'ort-wasm-webgpu' }, { webgpu })).toBe(false);
      expect(isNeededAsset({ kind: 'ort-wasm' }, { webgpu })).toBe(true);
      expect(isNeededAsset({ kind: 'pack-file' }, { webgpu })).toBe(true);
    }
  });
});
