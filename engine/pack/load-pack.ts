import { PackError } from './pack-error.js';
import type { PackSource } from './pack-source.js';
import { GRAPH_NAMES, type GraphName, type Pack } from './pack-types.js';
import { halfToFloatBytes } from './half-float.js';
import { sha256HexAsync } from './sha256.js';
import { validatePack } from './validate-pack.js';

export interface LoadedPack {
  pack: Pack;
  graphs: Record<GraphName, Uint8Array>;
  weights: Uint8Array;
}

export interface LoadPackOptions {
  /** Skip the SHA-256 checks (only for packs being built; default false). */
  skipHashes?: boolean;
  signal?: AbortSignal;
}

/** Reads `pack.json`, validates it, reads every file and checks its size and SHA-256. */
export async function loadPackAsync(source: PackSource, options: LoadPackOptions = {}): Promise<LoadedPack> {
  const text = new TextDecoder().decode(await source('pack.json'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PackError('pack.json', `is not valid JSON (${(e as Error).message})`);
  }
  const pack = validatePack(json);
  const read = async (file: string, sha: string, field: string): Promise<Uint8Array> => {
    options.signal?.throwIfAborted();
    const bytes = await source(file);
    if (!options.skipHashes) {
      const got = await sha256HexAsync(bytes);
      if (got !== sha) throw new PackError(field, `${file} has SHA-256 ${got}, pack.json says ${sha}: the file is damaged or from another pack`);
    }
    return bytes;
  };
  const weights = await read(pack.weights.file, pack.weights.sha256, 'weights.sha256');
  if (weights.byteLength !== pack.weights.bytes) {
    throw new PackError('weights.bytes', `${pack.weights.file} has ${weights.byteLength} bytes, pack.json says ${pack.weights.bytes}`);
  }
  const graphs = {} as Record<GraphName, Uint8Array>;
  for (const g of GRAPH_NAMES) graphs[g] = await read(pack.graphs[g].file, pack.graphs[g].sha256, `graphs.${g}.sha256`);
  // The graphs' external-data offsets point into the float32 layout: widen a half-float file to it once, here.
  return { pack, graphs, weights: pack.weights.storage === 'float16' ? halfToFloatBytes(weights) : weights };
}
