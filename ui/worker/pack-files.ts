/**
 * A pack's files and the ORT wasm, picked from the streamed assets by name
 * (`packs/<id>/<file>`, `ort/<wasm>`): what an engine `init` that names a pack is filled with,
 * in the worker and for an engine hosted in the panel's own thread.
 */
import type { EngineRequest } from '../../engine/worker/protocol';
import { ortWasmAsset, type OrtBuild } from './ort-assets';
import type { EngineInitByPack, PackFiles } from './protocol';

/** `build`: whose wasm goes with the files (the plain build's for the CPU path, the WebGPU build's for WebGPU). */
export function packFilesFrom(assets: ReadonlyMap<string, Uint8Array>, packId: string, build: OrtBuild): PackFiles {
  const prefix = `packs/${packId}/`;
  const packFiles: Record<string, Uint8Array> = {};
  for (const [name, bytes] of assets) if (name.startsWith(prefix)) packFiles[name.slice(prefix.length)] = bytes;
  if (!Object.keys(packFiles).length) throw new Error(`the model pack "${packId}" was not streamed to the panel`);
  const wasmBinary = assets.get(ortWasmAsset(build));
  return wasmBinary ? { packFiles, wasmBinary } : { packFiles };
}

/** Fills an `init` that names a pack with that pack's files and the ORT wasm (other requests pass through). */
export function resolveInit(msg: EngineRequest | EngineInitByPack, files: PackFiles | ((packId: string) => PackFiles)): EngineRequest {
  const packId = initPackId(msg);
  if (!packId) return msg;
  const { packId: _packId, ...rest } = msg as EngineInitByPack;
  const { packFiles, wasmBinary } = typeof files === 'function' ? files(packId) : files;
  return { ...rest, packFiles, wasmBinary: rest.wasmBinary ?? wasmBinary };
}

/** The pack an `init` names instead of carrying its files, else null. */
export function initPackId(msg: unknown): string | null {
  const m = msg as Partial<EngineInitByPack> | null;
  return m?.type === 'init' && typeof m.packId === 'string' && m.packId ? m.packId : null;
}
