import { splitCounts } from '../runtime/split-batch.js';
import { estimateStep, type EstimateOptions } from './estimate-step.js';
import type { ChangeField } from './types.js';

/** What estimates some frame pairs elsewhere (a shard: engine/worker/shard-client.ts). */
export interface PairEstimator {
  estimateAsync(pairs: [Float32Array, Float32Array][], size: number, options: EstimateOptions): Promise<ChangeField[]>;
}

/**
 * The transfer's frame pairs split across this thread and `helpers`: the helpers' parts are posted
 * first, this thread estimates the first part meanwhile; fields come back in pair order. A helper
 * that fails has its pairs estimated here.
 */
export function estimateStepsInParallel(helpers: readonly PairEstimator[]) {
  return async (pairs: [Float32Array, Float32Array][], size: number, options: EstimateOptions): Promise<ChangeField[]> => {
    const counts = splitCounts(pairs.length, 1 + helpers.length);
    const parts = counts.map((c, i) => pairs.slice(counts.slice(0, i).reduce((a, b) => a + b, 0), counts.slice(0, i).reduce((a, b) => a + b, 0) + c));
    const remote = parts.slice(1).map((part, i) =>
      helpers[i]!.estimateAsync(part.map(([a, b]) => [a.slice(), b.slice()]), size, options)
        .catch(() => part.map(([a, b]) => estimateStep(a, b, size, options))));
    const here = parts[0]!.map(([a, b]) => estimateStep(a, b, size, options));
    return [here, ...(await Promise.all(remote))].flat();
  };
}
