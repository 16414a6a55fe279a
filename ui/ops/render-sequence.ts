/** The frames of a sequence, from one latent to another, rendered by the engine wherever it runs. */
import { latentLayout } from '../../engine/latent/latent-layout';
import { interpolateLatents } from '../../engine/ops/interpolate';
import type { Pack } from '../../engine/pack/pack-types';
import type { EngineClient } from '../../engine/worker/engine-client';

export interface RenderedSequence {
  /** [frames, L] */
  latents: Float32Array;
  /** [frames, R, R, 4] RGBA */
  images: Uint8ClampedArray;
}

/** `frames` latents from `from` to `to` (slerp, in the pack's layout) and their images. */
export async function renderSequenceAsync(engine: Pick<EngineClient, 'request'>, pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number): Promise<RenderedSequence> {
  const latents = interpolateLatents(from, to, frames, latentLayout({ latent: pack.latent } as Pack), { mode: 'slerp' });
  const { images } = await engine.request({ type: 'render', z: latents });
  return { latents, images };
}
