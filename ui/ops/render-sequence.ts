/** The frames of a sequence, from one latent to another, rendered by the engine wherever it runs. */
import { latentLayout } from '../../engine/latent/latent-layout';
import { backdropLatents } from '../../engine/latent/backdrops';
import { interpolateLatents } from '../../engine/ops/interpolate';
import type { Pack } from '../../engine/pack/pack-types';
import type { EngineClient } from '../../engine/worker/engine-client';
import type { Backdrops } from '../worker/protocol';

export interface RenderedSequence {
  /** [frames, L] */
  latents: Float32Array;
  /** [frames, R, R, 4] RGBA */
  images: Uint8ClampedArray;
  /** The last frame rendered again over two of the pack's background colours (the transfer's `backdrops`); null: the pack names none. */
  backdrops: Backdrops | null;
}

/** `frames` latents from `from` to `to` (slerp, in the pack's layout) and their images, with the backdrops of `to` in the same render. */
export async function renderSequenceAsync(engine: Pick<EngineClient, 'request'>, pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number): Promise<RenderedSequence> {
  const layout = latentLayout({ latent: pack.latent } as Pack);
  const latents = interpolateLatents(from, to, frames, layout, { mode: 'slerp' });
  const bd = backdropLatents(to, layout, pack.latent.codes);
  const z = bd ? new Float32Array(latents.length + bd.latents.length) : latents;
  if (bd) { z.set(latents); z.set(bd.latents, latents.length); }
  const { images: all } = await engine.request({ type: 'render', z });
  const n = all.length / (z.length / layout.size);
  if (!bd) return { latents, images: all, backdrops: null };
  return { latents, images: all.slice(0, frames * n), backdrops: { images: all.slice(frames * n), colours: bd.colours } };
}
