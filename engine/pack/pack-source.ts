/** Reads one file of a pack by its name inside the pack (`pack.json`, `generator.onnx`, …). */
export type PackSource = (file: string) => Promise<Uint8Array>;

/** A PackSource over bytes already in memory (the worker: the panel streams pack files in). */
export function memoryPackSource(files: Record<string, Uint8Array> | Map<string, Uint8Array>): PackSource {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return async (file) => {
    const bytes = map.get(file);
    if (!bytes) throw new Error(`pack: file "${file}" is not among the ${map.size} files given (${[...map.keys()].join(', ')})`);
    return bytes;
  };
}
