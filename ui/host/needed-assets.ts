/**
 * The streamed assets the engine waits for. onnxruntime-web's WebGPU build (its 26.8 MB asyncify
 * wasm, streamed last) runs only where the panel found a hardware GPU adapter; elsewhere the engine
 * starts on the plain wasm build without it, and its chunks are dropped unread.
 */
import type { AssetInfo } from '../../protocol/messages';
import type { Capabilities } from '../capabilities';

export function isNeededAsset(asset: Pick<AssetInfo, 'kind'>, caps: Pick<Capabilities, 'webgpu'>): boolean {
  return asset.kind !== 'ort-wasm-webgpu' || caps.webgpu === 'adapter';
}
