/**
 * Whether the strokes leave the model room for different options (issue 16): iGAN keeps every
 * candidate within 2× the best cost; when few are kept, or the kept ones are close to one another,
 * the panel says so rather than showing near-copies as choices.
 */
import { candidateSpread } from '../../engine/ops/rank';
import type { Candidates } from './panel-state';

/** Below this RMS difference (of the full colour range) between neighbouring options, they count as alike. */
export const ALIKE_SPREAD = 0.015;

export interface Freedom {
  kept: number;
  /** Median RMS distance of each shown candidate to the nearest one before it, as a fraction of the colour range. */
  spread: number;
  little: boolean;
}

const memo = new WeakMap<Candidates, Freedom>();

/** For a final batch of `R`×`R` RGBA candidates. */
export function candidateFreedom(c: Candidates, R: number): Freedom {
  const known = memo.get(c);
  if (known) return known;
  const shown = c.order.slice(0, 16);
  // RGBA bytes: alpha is opaque on both sides, so the RMS over 4 channels is √(3/4) of that over RGB.
  const spread = (candidateSpread(shown, c.images, R * R * 4) / 255) * Math.sqrt(4 / 3);
  const f: Freedom = { kept: shown.length, spread, little: (shown.length <= 2 && c.count > 2) || spread < ALIKE_SPREAD };
  memo.set(c, f);
  return f;
}

/** The status line's words for it. */
export function freedomText(f: Freedom, count: number): string {
  if (!f.little) return `${f.kept} kept, most different first · ⇧-click to pick several`;
  if (f.kept <= 2) return `Only ${f.kept} of ${count} stay within 2× the best cost: the strokes leave little freedom`;
  return `${f.kept} kept, alike: the strokes leave little freedom (a code or Fix explores further)`;
}
