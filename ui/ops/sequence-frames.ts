/** How many frames a sequence has and what each is called (the slider's labels, the applied layers' names). */
export const SEQUENCE_FRAMES = 16;
/** Sources above this many pixels get a shorter sequence (16 full-size frames would not fit). */
export const BIG_SOURCE = 1 << 20;
export const BIG_SEQUENCE_FRAMES = 8;

/**
 * Frames of the sequence for a layer, the start included: frame 0 is the projection on the
 * panel's slider and the original layer itself in the applied sequence frame.
 */
export function sequenceFrames(source: { width: number; height: number } | null): number {
  return source && source.width * source.height > BIG_SOURCE ? BIG_SEQUENCE_FRAMES : SEQUENCE_FRAMES;
}

/** Frame k of a sequence of `frames` (0 is the start): "Frame 07 / 15", the name of its layer and its label on the slider. */
export function sequenceFrameName(k: number, frames: number): string {
  return `Frame ${String(k).padStart(2, '0')} / ${String(frames - 1).padStart(2, '0')}`;
}
