import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackSource } from '../pack/pack-source.js';

/** A PackSource reading from a pack directory on disk (Node only: CLI, tests, benchmarks). */
export function fsPackSource(dir: string): PackSource {
  return async (file) => {
    if (file.includes('/') || file.includes('\\') || file.startsWith('.')) throw new Error(`pack: refusing file name "${file}" outside the pack directory`);
    const buf = await readFile(join(dir, file));
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
}
