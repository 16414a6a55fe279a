/**
 * The generator's own matte of G(z1): which cells are the avatar and which its background.
 *
 * On a transparent layer G paints the clear surroundings in its background colour (white), and new
 * white content (a white beard, hair turned white) in nearly the same colour: from G(z1) alone a cut
 * (pigtails gone: clear) and white content (opaque) cannot be told apart. But the pack's background
 * code sets that colour and nothing else, so G(z1) rendered twice, with the code set to two of its
 * colours A and B, separates them: the avatar stays, the background follows the code. That is
 * triangulation matting (Smith & Blinn, "Blue screen matting", 1996): each render is
 * α·F + (1 − α)·backdrop, so G_A − G_B = (1 − α)(A − B), which gives α and then F.
 */

export interface GeneratorMatte {
  /** [R·R] G's coverage of each cell by the avatar, in [0, 1] (0: its background). */
  alpha: Float32Array;
  /** [3, R, R] the avatar's colour there, not premultiplied, in [0, 1] (0 where α is 0). */
  colour: Float32Array;
}

/**
 * The matte from G(z1) over backdrop `ca` and over backdrop `cb` ([3, R, R] in [0, 1]; colours in
 * [0, 1] RGB, apart by at least ~0.2 for a clean α: 0.42 for the white and lilac of personas64-v2).
 */
export function generatorMatte(overA: Float32Array, overB: Float32Array, ca: readonly number[], cb: readonly number[]): GeneratorMatte {
  const N = overA.length / 3;
  if (overB.length !== overA.length || !Number.isInteger(N)) throw new RangeError('generatorMatte: both renders must be [3, R, R] of one size');
  const d = [0, 1, 2].map((c) => ca[c]! - cb[c]!), dd = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
  if (!(dd > 0.01)) throw new RangeError('generatorMatte: the two backdrops must differ');
  const alpha = new Float32Array(N), colour = new Float32Array(3 * N);
  for (let p = 0; p < N; p++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += (overA[c * N + p]! - overB[c * N + p]!) * d[c]!;
    const a = Math.min(1, Math.max(0, 1 - s / dd));
    alpha[p] = a;
    if (a < 1e-3) continue;
    // F from both renders, averaged (each is α·F + (1 − α)·backdrop)
    for (let c = 0; c < 3; c++) {
      const f = (overA[c * N + p]! - (1 - a) * ca[c]! + overB[c * N + p]! - (1 - a) * cb[c]!) / (2 * a);
      colour[c * N + p] = Math.min(1, Math.max(0, f));
    }
  }
  return { alpha, colour };
}
