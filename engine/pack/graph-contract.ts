import type { Dim, GraphName } from './pack-types.js';

/** The tensors each graph must have (docs/pack-format.md, "Graph contract"), for latent size L and resolution R. */
export function graphContract(L: number, R: number): Record<GraphName, { inputs: Record<string, Dim[]>; outputs: Record<string, Dim[]> }> {
  const img: Dim[] = ['B', 3, R, R];
  const target: Dim[] = [1, 3, R, R];
  const mask: Dim[] = [1, 1, R, R];
  return {
    generator: { inputs: { z: ['B', L] }, outputs: { image: img } },
    encoder: { inputs: { image: img }, outputs: { z: ['B', L] } },
    editStep: {
      inputs: {
        z: ['B', L], z0: [1, L], color_target: target, color_mask: mask,
        edge_target: target, edge_mask: mask, weights: [3],
      },
      outputs: { loss: ['B'], grad: ['B', L], image: img, terms: ['B', 3] },
    },
    projectStep: {
      inputs: { z: ['B', L], target, mask, weights: [2] },
      outputs: { loss: ['B'], grad: ['B', L], image: img, terms: ['B', 2] },
    },
  };
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}
