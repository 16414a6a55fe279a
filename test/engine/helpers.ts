import { Engine, type EngineOptions } from '../../engine/engine.js';
import { testPackSource, PACK_DIR } from './pack-dir.js';

/** One engine per test file (sessions are created once and reused, as in the panel). */
export async function createTestEngineAsync(options: EngineOptions = {}, dir = PACK_DIR): Promise<Engine> {
  return Engine.createAsync(testPackSource(dir), { numThreads: 1, ...options });
}

/** A valid latent: free dims from a sine pattern scaled by `a`, categorical code 0 set to `category`. */
export function patternLatent(engine: Engine, a: number, category: number, phase = 0): Float32Array {
  const { layout } = engine;
  const z = new Float32Array(layout.size);
  for (const i of layout.freeIndices) z[i] = a * Math.sin(1.7 * i + phase);
  for (const c of layout.categorical) for (let j = 0; j < c.size; j++) z[c.offset + j] = j === category % c.size ? 1 : 0;
  return z;
}

export function sqDist(a: Float32Array, b: Float32Array, offA = 0, offB = 0, n = b.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[offA + i]! - b[offB + i]!) ** 2;
  return s;
}
