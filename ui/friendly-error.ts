/**
 * Errors in words a designer understands, said where they happened. The technical message
 * stays available (as a tooltip / `detail`) for bug reports.
 */
import { errorMessage } from '../protocol/messages';

export type Stage = 'load' | 'decode' | 'project' | 'edit' | 'sequence' | 'apply' | 'write' | 'restore' | 'preview';

const LEAD: Record<Stage, string> = {
  load: 'The model could not start.',
  decode: 'This layer’s image could not be read.',
  project: 'Manifold could not find this image in the model.',
  edit: 'The edit stopped.',
  sequence: 'The in-between frames could not be made.',
  apply: 'The result could not be made.',
  write: 'The result could not be added to the file.',
  restore: 'The stored edit could not be reopened.',
  preview: 'The preview could not be made (Apply still works; the model’s view shows the candidate).',
};

/**
 * Running out of memory, in the words each layer uses: V8 ("Array buffer allocation failed",
 * "Invalid typed array length", "Invalid array buffer length"), wasm ("WebAssembly.Memory.grow():
 * Maximum memory size exceeded", "Out of bounds memory access"), Emscripten ("Cannot enlarge memory",
 * "OOM"), onnxruntime ("failed to allocate", "bad_alloc"), Chromium ("Out of memory").
 */
export const OUT_OF_MEMORY = /out of memory|\bOOM\b|memory access|allocation failed|Array buffer allocation|failed to allocate|bad_alloc|Invalid (?:typed )?array(?: buffer)? length|Maximum memory size|Memory\.grow|Cannot enlarge memory|could not allocate/i;

const HINTS: Array<[RegExp, string]> = [
  [OUT_OF_MEMORY, 'The image may be too large for this computer; try a smaller layer.'],
  [/fully transparent/i, 'The layer has no visible pixels: there is nothing to edit.'],
  [/sha256|pack\b|pack:|graph/i, 'The model pack in this plugin is damaged; reinstall the plugin.'],
  [/webgpu|adapter|gpu/i, 'The GPU stopped responding; reopening the plugin uses the CPU instead.'],
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

/** Whether an error is the computer running out of memory (see OUT_OF_MEMORY). */
export function isOutOfMemory(error: unknown): boolean {
  return OUT_OF_MEMORY.test(errorMessage(error));
}

/**
 * What the panel tells the designer when the model runs on the CPU for a reason worth knowing
 * (`code` of the engine's ExecutionProviderReason); null when there is nothing to say.
 */
export function backendNotice(code: string | undefined): string | null {
  switch (code) {
    case 'device-lost':
      return 'The GPU stopped responding; continuing on the CPU (slower).';
    case 'adapter-timeout':
      return 'The GPU did not answer in time, so Manifold runs on the CPU (slower). Reopen the plugin to try the GPU again.';
    case 'adapter-error':
      return 'The GPU could not be used, so Manifold runs on the CPU (slower).';
    default:
      return null;
  }
}

/** Splits a friendlyError message into what to show and the technical detail. */
export function splitFriendly(message: string): { text: string; detail: string | null } {
  const m = /^(.*?)\s\((.*)\)$/s.exec(message);
  return m ? { text: m[1], detail: m[2] } : { text: message, detail: null };
}
