/** The slider's frames and, in the same render, the last frame over two backdrops (the transfer's matte of G's content). */
import { describe, expect, it } from 'vitest';
import type { LatentCode, Pack } from '../../engine/pack/pack-types';
import { renderSequenceAsync } from '../../ui/ops/render-sequence';

const L = 6, R = 2, n = R * R * 4;
const codes = [
  { name: 'Style', kind: 'categorical', offset: 2, size: 2, labels: ['A', 'B'] },
  { name: 'Background', kind: 'categorical', offset: 4, size: 2, labels: ['Lilac', 'White'], values: ['#c0aede', '#ffffff'], background: true },
] as LatentCode[];
const latent = { size: L, noise: { offset: 0, size: 2, range: [-1, 1] }, codes } as Pack['latent'];

/** An engine that renders latent b as n bytes of value b, and keeps what it was asked. */
function engine() {
  const asked: Float32Array[] = [];
  return {
    asked,
    request: async (req: { type: 'render'; z: Float32Array }) => {
      asked.push(req.z);
      const B = req.z.length / L, images = new Uint8ClampedArray(B * n);
      for (let b = 0; b < B; b++) images.fill(b, b * n, (b + 1) * n);
      return { images };
    },
  };
}

describe('renderSequenceAsync', () => {
  const from = Float32Array.from([0.1, 0.2, 1, 0, 0, 1]), to = Float32Array.from([0.5, -0.5, 0, 1, 0, 1]);
  it('renders the frames and the backdrops of the last latent in one request, and splits them', async () => {
    const e = engine();
    const r = await renderSequenceAsync(e as never, { latent }, from, to, 4);
    expect(e.asked).toHaveLength(1);
    expect(e.asked[0]!.length).toBe(6 * L);
    expect(Array.from(r.images)).toEqual([0, 1, 2, 3].flatMap((b) => Array(n).fill(b)));
    expect(r.latents.length).toBe(4 * L);
    expect(r.backdrops!.colours).toEqual([[192, 174, 222], [255, 255, 255]]);
    expect(Array.from(r.backdrops!.images)).toEqual([4, 5].flatMap((b) => Array(n).fill(b)));
    // the backdrops are the last latent with only the background code changed
    expect(Array.from(e.asked[0]!.subarray(4 * L, 4 * L + 4))).toEqual(Array.from(to.subarray(0, 4)));
    expect(Array.from(e.asked[0]!.subarray(4 * L + 4, 5 * L))).toEqual([1, 0]);
    expect(Array.from(e.asked[0]!.subarray(5 * L + 4, 6 * L))).toEqual([0, 1]);
  });
  it('renders only the frames for a pack without a background code', async () => {
    const e = engine();
    const r = await renderSequenceAsync(e as never, { latent: { ...latent, codes: [codes[0]!, { ...codes[1]!, background: undefined } as LatentCode] } }, from, to, 4);
    expect(e.asked[0]!.length).toBe(4 * L);
    expect(r.backdrops).toBeNull();
  });
});
