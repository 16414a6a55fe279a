/** Events and values for the panel's state tests: a tiny pack summary, candidates, an image selection. */
import type { PackSummary } from '../../engine/worker/protocol';
import type { SelectedImage } from '../../protocol/messages';
import type { PanelEvent } from '../../ui/state/panel-events';
import { initialState, type Candidates, type PanelState, type Projection } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';

export const R = 4;
export const L = 5;

export const pack: PackSummary = {
  id: 'tiny', title: 'Tiny', resolution: R, license: 'MIT',
  latent: {
    size: L, noise: { offset: 0, size: 2, range: [-1, 1] },
    codes: [
      { name: 'Hair', kind: 'categorical', offset: 2, size: 2, labels: ['short', 'long'] },
      { name: 'Smile', kind: 'continuous', offset: 4, range: [-1, 1] },
    ],
  },
  defaults: { edit: { colorWeight: 1, edgeWeight: 0.2, smoothWeight: 0.05, lr: 0.1, steps: 40, candidates: 8, jitter: 0.5 }, project: { pixelWeight: 1, featureWeight: 0.1, iterations: 100, starts: 4 } },
};

export function image(nodeId = '1:2', extra: Partial<SelectedImage> = {}): SelectedImage {
  return { nodeId, name: `Layer ${nodeId}`, nodeType: 'RECTANGLE', source: 'image-fill', bytes: new Uint8Array([1, 2, 3]), mime: 'image/png', width: 8, height: 8, nodeWidth: 8, nodeHeight: 8, record: null, ...extra };
}

export function projection(z = [0.1, 0.2, 1, 0, 0.3]): Projection {
  return {
    z: Float32Array.from(z), image: new Uint8ClampedArray(R * R * 4).fill(100), pixelError: 0.04, encoderPixelError: 0.09,
    mapping: { resolution: R, sourceWidth: 8, sourceHeight: 8, scale: 0.5, offsetX: 0, offsetY: 0 }, codes: { Hair: 0, Smile: 0.3 },
  };
}

/** B candidates whose images are filled with their index, latents with index / 10. */
export function candidates(B: number, order: number[], final = true, step = 40): Candidates {
  const images = new Uint8ClampedArray(B * R * R * 4);
  for (let b = 0; b < B; b++) images.fill(b, b * R * R * 4, (b + 1) * R * R * 4);
  const z = new Float32Array(B * L);
  for (let b = 0; b < B; b++) z.fill(b / 10, b * L, (b + 1) * L);
  return { images, z, loss: new Float32Array(B), order, step, steps: 40, final, count: B };
}

export function run(events: PanelEvent[], from: PanelState = initialState): PanelState {
  return events.reduce(reduce, from);
}

/** A state with the engine ready and `nodeId` selected and projected. */
export function projectedState(nodeId = '1:2'): PanelState {
  return run([
    { type: 'init', command: '', assets: [{ name: 'packs/tiny/pack.json', kind: 'pack-file', packId: 'tiny', bytes: 1, gzipBytes: 1, chunks: 1 }] },
    { type: 'engine-loading', packId: 'tiny' },
    { type: 'engine-ready', pack, backend: 'wasm' },
    { type: 'selection', selection: { kind: 'image', image: image(nodeId) } },
    { type: 'project-start' },
    { type: 'project-progress', done: 10, total: 100, pixelError: 0.1 },
    { type: 'projected', projection: projection() },
  ]);
}
