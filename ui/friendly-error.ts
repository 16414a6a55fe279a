/**
 * Errors in words a designer understands, said where they happened. The technical message
 * stays available (as a tooltip / `detail`) for bug reports.
 */
import { errorMessage } from '../protocol/messages';

export type Stage = 'load' | 'decode' | 'project' | 'edit' | 'sequence' | 'apply' | 'write' | 'restore';

const LEAD: Record<Stage, string> = {
  load: 'The model could not start.',
  decode: 'This layer’s image could not be read.',
  project: 'Manifold could not find this image in the model.',
  edit: 'The edit stopped.',
  sequence: 'The in-between frames could not be made.',
  apply: 'The result could not be made.',
  write: 'The result could not be added to the file.',
  restore: 'The stored edit could not be reopened.',
};

const HINTS: Array<[RegExp, string]> = [
  [/out of memory|memory access|allocation|Array buffer allocation/i, 'The image may be too large for this computer; try a smaller layer.'],
  [/sha256|pack\b|pack:|graph/i, 'The model pack in this plugin is damaged; reinstall the plugin.'],
  [/webgpu|adapter|gpu/i, 'The graphics card stopped responding; reopening the plugin uses the CPU instead.'],
  [/not on this page|was removed|source layer/i, 'The original layer was deleted or moved to another page.'],
  [/4096|too large|maxImageSide/i, 'Figma takes images up to 4096 px a side.'],
  [/decode|createImageBitmap|source image|InvalidStateError/i, 'The image format is not supported; use PNG or JPEG.'],
  [/worker/i, 'The panel’s compute thread stopped; close and reopen the plugin.'],
];

/** A sentence for the designer, then what to do, then (in parentheses) what the software said. */
export function friendlyError(stage: Stage, error: unknown): string {
  const detail = errorMessage(error);
  const hint = HINTS.find(([re]) => re.test(detail))?.[1] ?? 'Try again; if it keeps happening, reopen the plugin.';
  return `${LEAD[stage]} ${hint} (${detail.slice(0, 200)})`;
}

/** Splits a friendlyError message into what to show and the technical detail. */
export function splitFriendly(message: string): { text: string; detail: string | null } {
  const m = /^(.*?)\s\((.*)\)$/s.exec(message);
  return m ? { text: m[1], detail: m[2] } : { text: message, detail: null };
}
