/**
 * Types of the edit transfer (issue 5). Pure data: no DOM, no Figma, no onnxruntime, so the
 * same code runs in the panel's Worker and in Node.
 *
 * Coordinates are continuous pixels everywhere: pixel i covers [i, i + 1), its centre is i + 0.5
 * (the convention of engine/image/frame.ts). Arrays are row-major; multi-channel planes are
 * planar ([C, H, W]).
 */

/** Straight (not premultiplied) 8-bit RGBA, row-major, width·height·4 bytes (same shape as ImageData). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * The total change from one R×R frame (the source) to another (the target), in frame pixels:
 *
 *   target(x) = A(x) · [source(x + flow(x)); 1]
 *
 * i.e. a backward warp (each target pixel says where in the source it comes from) followed by a
 * per-pixel affine colour model A (3×4, colours in [0, 1]). Backward so that rendering needs no
 * flow inversion.
 */
export interface ChangeField {
  /** Frame resolution R. */
  readonly size: number;
  /** [R, R] horizontal displacement, frame pixels. */
  readonly flowX: Float32Array;
  /** [R, R] vertical displacement, frame pixels. */
  readonly flowY: Float32Array;
  /**
   * [12, R, R] colour model: plane 4·i + j holds A[i][j] (i: output channel R,G,B; j: input
   * channel R,G,B, then the bias as j = 3), colours in [0, 1].
   */
  readonly colour: Float32Array;
}

/** Progress of a running transfer; `fraction` is overall in [0, 1]. */
export interface TransferProgress {
  phase: 'estimate' | 'render';
  /** Units done / total within the phase (frame pairs for estimate, rows for render). */
  done: number;
  total: number;
  fraction: number;
}
