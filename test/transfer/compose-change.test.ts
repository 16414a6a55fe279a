import { describe, expect, it } from 'vitest';
import { applyChange } from '../../engine/transfer/apply-change.js';
import { composeChange, composeFlow, identityChange } from '../../engine/transfer/compose-change.js';
import { estimateStep } from '../../engine/transfer/estimate-step.js';
import { refitColour } from '../../engine/transfer/refit-colour.js';
import { bulge, interiorRmse, meanEpe, renderFrame, sinusoidTexture, type Warp } from './synthetic.js';

const R = 64, K = 6;

/** Frame k: the texture under a bulge of strength 4k/K px and a colour change growing with k. */
function sequence(): { frames: Float32Array[]; warpAt: (t: number) => Warp } {
  const tex = sinusoidTexture(11);
  const warpAt = (t: number): Warp => bulge(31, 33, 10, 4 * t);
  const frames: Float32Array[] = [];
  for (let k = 0; k <= K; k++) {
    const t = k / K;
    frames.push(renderFrame(tex, R, warpAt(t), () => [1 + 0.15 * t, 0, 0, -0.03 * t, 0, 1 - 0.1 * t, 0.05 * t, 0, 0, 0, 1, 0.05 * t]));
  }
  return { frames, warpAt };
}

describe('composeChange', () => {
  it('chains K steps into the direct change 0→K (and the ground truth)', () => {
    const { frames, warpAt } = sequence();
    let total = identityChange(R);
    let raw = identityChange(R);
    for (let k = 0; k < K; k++) {
      const step = estimateStep(frames[k]!, frames[k + 1]!, R);
      raw = composeChange(raw, step);
      // as transferEditAsync does: compose the flow, refit the colour model 0→k+1 on it
      const composed = composeChange(total, step), flow = composeFlow(total, step);
      // composeFlow is composeChange's flow, to the bit (the refit replaces the colour models)
      expect(Buffer.from(flow.flowX.buffer).equals(Buffer.from(composed.flowX.buffer))).toBe(true);
      expect(Buffer.from(flow.flowY.buffer).equals(Buffer.from(composed.flowY.buffer))).toBe(true);
      total = refitColour(frames[0]!, frames[k + 1]!, flow);
    }
    // plain composition keeps the flow (the colour models drift a little, hence the refit)
    expect(meanEpe(raw.flowX, raw.flowY, R, warpAt(1), 8)).toBeLessThanOrEqual(0.25);
    expect(interiorRmse(applyChange(frames[0]!, raw), frames[K]!, R, 8)).toBeLessThanOrEqual(4 / 255);
    const direct = estimateStep(frames[0]!, frames[K]!, R);
    const truth = warpAt(1);
    expect(meanEpe(total.flowX, total.flowY, R, truth, 8)).toBeLessThanOrEqual(0.25);
    expect(meanEpe(direct.flowX, direct.flowY, R, truth, 8)).toBeLessThanOrEqual(0.25);
    // composed vs direct: flows within 0.25 px on average, and both reproduce frame K from frame 0
    let epe = 0, cnt = 0;
    for (let y = 8; y < R - 8; y++) {
      for (let x = 8; x < R - 8; x++) {
        const i = y * R + x;
        epe += Math.hypot(total.flowX[i]! - direct.flowX[i]!, total.flowY[i]! - direct.flowY[i]!);
        cnt++;
      }
    }
    expect(epe / cnt).toBeLessThanOrEqual(0.25);
    const viaSteps = applyChange(frames[0]!, total), viaDirect = applyChange(frames[0]!, direct);
    expect(interiorRmse(viaSteps, frames[K]!, R, 8)).toBeLessThanOrEqual(2 / 255);
    expect(interiorRmse(viaDirect, frames[K]!, R, 8)).toBeLessThanOrEqual(2 / 255);
    expect(interiorRmse(viaSteps, viaDirect, R, 8)).toBeLessThanOrEqual(2 / 255);
  });

  it('composes known fields exactly: constant shifts add, affine colour maps multiply', () => {
    const a = identityChange(R), b = identityChange(R);
    const n = R * R;
    a.flowX.fill(1.25); a.flowY.fill(-0.5);
    b.flowX.fill(0.5); b.flowY.fill(2);
    a.colour.fill(2, 0, n); a.colour.fill(0.1, 3 * n, 4 * n); // R' = 2R + 0.1
    b.colour.fill(0.5, 0, n); b.colour.fill(0.2, n, 2 * n); // R'' = 0.5R' + 0.2G'
    const c = composeChange(a, b);
    const i = 30 * R + 30;
    expect(c.flowX[i]).toBeCloseTo(1.75, 5);
    expect(c.flowY[i]).toBeCloseTo(1.5, 5);
    // R'' = 0.5(2R + 0.1) + 0.2G = R + 0.2G + 0.05
    expect(c.colour[i]).toBeCloseTo(1, 5);
    expect(c.colour[n + i]).toBeCloseTo(0.2, 5);
    expect(c.colour[3 * n + i]).toBeCloseTo(0.05, 5);
  });

  it('treats the identity as neutral on both sides', () => {
    const { frames } = sequence();
    const step = estimateStep(frames[0]!, frames[2]!, R);
    for (const c of [composeChange(identityChange(R), step), composeChange(step, identityChange(R))]) {
      for (let i = 0; i < R * R; i += 37) {
        expect(c.flowX[i]).toBeCloseTo(step.flowX[i]!, 3);
        expect(c.flowY[i]).toBeCloseTo(step.flowY[i]!, 3);
      }
    }
  });
});
