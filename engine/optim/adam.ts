/** Adam (Kingma & Ba) over a batch of latents, projected onto a box after each step. */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class BoxAdam {
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(
    readonly length: number,
    private readonly options: AdamOptions,
  ) {
    this.m = new Float64Array(length);
    this.v = new Float64Array(length);
  }

  /** Resets the moments (a new optimisation from the current point). */
  reset(): void {
    this.m.fill(0); this.v.fill(0); this.t = 0;
  }

  /**
   * One step on `z` (in place). `period` is the latent size L: `free[i % L] === 0` marks dims whose
   * gradient is zeroed (categorical slices); `lower`/`upper` give the box per dim.
   */
  step(z: Float32Array, grad: ArrayLike<number>, period: number, free: Uint8Array, lower: ArrayLike<number>, upper: ArrayLike<number>): void {
    if (z.length !== this.length || grad.length !== this.length) throw new Error(`adam: z and grad must have length ${this.length}, got ${z.length}/${grad.length}`);
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = this.options;
    this.t++;
    const c1 = 1 - beta1 ** this.t, c2 = 1 - beta2 ** this.t;
    for (let k = 0; k < z.length; k++) {
      const i = k % period;
      if (free[i] === 0) continue;
      const g = grad[k]!;
      const m = (this.m[k] = beta1 * this.m[k]! + (1 - beta1) * g);
      const v = (this.v[k] = beta2 * this.v[k]! + (1 - beta2) * g * g);
      const next = z[k]! - (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
      z[k] = next < lower[i]! ? lower[i]! : next > upper[i]! ? upper[i]! : next;
    }
  }
}
