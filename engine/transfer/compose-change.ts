/**
 * Chains changes: given the total change 0→k−1 and the step k−1→k, returns the total 0→k.
 *
 *   J_k(x) = A(x)·[J_{k−1}(x'); 1],  x' = x + w(x),  J_{k−1}(x') = C(x')·[J_0(x' + W(x')); 1]
 *   ⇒ W_k(x) = w(x) + W(x'),  C_k(x) = A(x) ∘ C(x')   (affine maps composed)
 *
 * W and C are sampled at x' bilinearly, clamped to the frame (composition by warping).
 */
import { identityColour } from './colour-model.js';
import { warpPlanes } from './sample.js';
import type { ChangeField } from './types.js';

export function identityChange(size: number): ChangeField {
  const n = size * size;
  return { size, flowX: new Float32Array(n), flowY: new Float32Array(n), colour: identityColour(n) };
}

export function composeChange(total: ChangeField, step: ChangeField): ChangeField {
  if (total.size !== step.size) throw new RangeError(`composeChange: sizes differ (${total.size} vs ${step.size})`);
  const R = step.size, n = R * R;
  // sample the previous total at x' = x + w(x): 2 flow planes + 12 colour planes
  const prev = new Float32Array(14 * n);
  prev.set(total.flowX, 0);
  prev.set(total.flowY, n);
  prev.set(total.colour, 2 * n);
  const at = new Float32Array(14 * n);
  warpPlanes(prev, 14, R, R, step.flowX, step.flowY, at);
  const flowX = new Float32Array(n), flowY = new Float32Array(n), colour = new Float32Array(12 * n);
  const A = step.colour;
  for (let i = 0; i < n; i++) {
    flowX[i] = step.flowX[i] + at[i];
    flowY[i] = step.flowY[i] + at[n + i];
    for (let r = 0; r < 3; r++) {
      const a0 = A[(4 * r) * n + i], a1 = A[(4 * r + 1) * n + i], a2 = A[(4 * r + 2) * n + i], a3 = A[(4 * r + 3) * n + i];
      for (let c = 0; c < 4; c++) {
        // (A·C)[r][c] = Σ_k A[r][k]·C[k][c] (+ A[r][3] for the bias column)
        const v = a0 * at[(2 + c) * n + i] + a1 * at[(2 + 4 + c) * n + i] + a2 * at[(2 + 8 + c) * n + i];
        colour[(4 * r + c) * n + i] = c === 3 ? v + a3 : v;
      }
    }
  }
  return { size: R, flowX, flowY, colour };
}

/**
 * The flow of composeChange(total, step) alone (the same numbers): for a total whose colour model
 * is refitted next (refitColour), composing the colour models as well would be thrown away.
 */
export function composeFlow(total: Pick<ChangeField, 'size' | 'flowX' | 'flowY'>, step: ChangeField): Pick<ChangeField, 'size' | 'flowX' | 'flowY'> {
  if (total.size !== step.size) throw new RangeError(`composeFlow: sizes differ (${total.size} vs ${step.size})`);
  const R = step.size, n = R * R;
  const prev = new Float32Array(2 * n);
  prev.set(total.flowX, 0);
  prev.set(total.flowY, n);
  const at = new Float32Array(2 * n);
  warpPlanes(prev, 2, R, R, step.flowX, step.flowY, at);
  const flowX = new Float32Array(n), flowY = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    flowX[i] = step.flowX[i] + at[i];
    flowY[i] = step.flowY[i] + at[n + i];
  }
  return { size: R, flowX, flowY };
}
