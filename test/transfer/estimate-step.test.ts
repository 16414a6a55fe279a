import { describe, expect, it } from 'vitest';
import { applyChange } from '../../engine/transfer/apply-change.js';
import { estimateStep } from '../../engine/transfer/estimate-step.js';
import {
  IDENTITY_COLOUR, bulge, constantColour, interiorRmse, meanEpe, renderFrame, rotation, sinusoidTexture, translation,
  type ColourMap, type Warp,
} from './synthetic.js';

const R = 64, MARGIN = 8;
const same: Warp = (x, y) => [x, y];
const keep = constantColour(IDENTITY_COLOUR);

/** Estimates source → target and returns the flow error and the colour error of the model. */
function recover(seed: number, warp: Warp, colour: ColourMap): { epe: number; rmse: number } {
  const tex = sinusoidTexture(seed);
  const source = renderFrame(tex, R), target = renderFrame(tex, R, warp, colour);
  const f = estimateStep(source, target, R);
  // colour error: the estimated model applied to the source warped by the estimated flow
  const predicted = applyChange(source, f);
  return { epe: meanEpe(f.flowX, f.flowY, R, warp, MARGIN), rmse: interiorRmse(predicted, target, R, MARGIN) };
}

describe('estimateStep', () => {
  const warps: [string, Warp][] = [
    ['translation (2.6, −1.8) px', translation(2.6, -1.8)],
    ['translation 4 px', translation(4, 0)],
    ['rotation 4° about the centre', rotation(4, 32, 32)],
    ['local bulge peaking at 4 px', bulge(30, 34, 9, 4)],
  ];
  for (const [name, warp] of warps) {
    it(`recovers a ${name} with mean EPE ≤ 0.25 px away from the borders`, () => {
      for (const seed of [1, 2]) {
        const { epe, rmse } = recover(seed, warp, keep);
        expect(epe).toBeLessThanOrEqual(0.25);
        expect(rmse).toBeLessThanOrEqual(2 / 255);
      }
    });
  }

  const colours: [string, ColourMap][] = [
    ['per-channel gain and bias', constantColour([1.2, 0, 0, -0.05, 0, 0.85, 0, 0.08, 0, 0, 1.1, 0.02])],
    ['channel mixing', constantColour([0.8, 0.2, 0, 0.02, 0.1, 0.7, 0.2, 0, 0.15, 0, 0.9, 0.05])],
    ['a spatially varying gain and bias', (x, y) => [1 + (0.3 * x) / R, 0, 0, 0, 0, 1, 0, (0.1 * y) / R, 0, 0, 1, 0]],
  ];
  for (const [name, colour] of colours) {
    it(`recovers ${name} with colour RMSE ≤ 2/255 and no spurious motion`, () => {
      for (const seed of [1, 3]) {
        const { epe, rmse } = recover(seed, same, colour);
        expect(rmse).toBeLessThanOrEqual(2 / 255);
        expect(epe).toBeLessThanOrEqual(0.25);
      }
    });
  }

  it('separates motion from a simultaneous colour change', () => {
    const mix = constantColour([0.8, 0.2, 0, 0.02, 0.1, 0.7, 0.2, 0, 0.15, 0, 0.9, 0.05]);
    for (const warp of [translation(1.5, 2.2), bulge(34, 30, 10, 3)]) {
      const { epe, rmse } = recover(2, warp, mix);
      expect(epe).toBeLessThanOrEqual(0.25);
      expect(rmse).toBeLessThanOrEqual(2 / 255);
    }
  });

  it('returns zero flow and the identity colour model for equal frames', () => {
    const f = renderFrame(sinusoidTexture(5), R);
    const c = estimateStep(f, f, R);
    expect(Math.max(...c.flowX.map(Math.abs), ...c.flowY.map(Math.abs))).toBeLessThan(1e-4);
    const n = R * R;
    for (let k = 0; k < 12; k++) {
      const want = k === 0 || k === 5 || k === 10 ? 1 : 0;
      for (let i = 0; i < n; i += 97) expect(c.colour[k * n + i]).toBeCloseTo(want, 4);
    }
  });

  it('rejects frames of the wrong size, naming the expected shape', () => {
    expect(() => estimateStep(new Float32Array(10), new Float32Array(10), R)).toThrow(/\[3, 64, 64\]/);
  });
});
