/**
 * The preview's lifecycle (issue 17): one preview in flight at a time, cancelled as soon as the
 * canvas wants another (a stroke, a code, another candidate or frame), and every preview made kept
 * per key and frame, so a scrubbed frame or a candidate chosen again shows at once.
 */
import type { Rgba } from '../worker/protocol';
import type { PreviewTarget } from './preview-target';

export interface PreviewerDeps {
  /** Makes the preview of `target` (the worker's transfer at the canvas's size); rejects with an AbortError when `signal` fires. */
  renderAsync(target: PreviewTarget, signal: AbortSignal): Promise<Rgba>;
  onImage(target: PreviewTarget, image: Rgba): void;
  onError(target: PreviewTarget, error: unknown): void;
  /** Keys (estimations) whose frames are kept; default 4. */
  keep?: number;
}

export interface Previewer {
  /** Shows `target` (from the cache, or once made); null: nothing to show, the work in flight stops. */
  show(target: PreviewTarget | null): void;
  /** The key and frame in flight, if any. */
  readonly inFlight: { key: string; frame: number } | null;
}

export function createPreviewer(deps: PreviewerDeps): Previewer {
  const keep = deps.keep ?? 4;
  const cache = new Map<string, Map<number, Rgba>>();
  let running: { key: string; frame: number; abort: AbortController } | null = null;

  function remember(key: string, frame: number, image: Rgba): void {
    const frames = cache.get(key) ?? new Map<number, Rgba>();
    cache.delete(key); // most recent last
    cache.set(key, frames.set(frame, image));
    while (cache.size > keep) cache.delete(cache.keys().next().value!);
  }

  function stop(): void {
    running?.abort.abort();
    running = null;
  }

  return {
    get inFlight() {
      return running && { key: running.key, frame: running.frame };
    },
    show(target) {
      if (!target) return stop();
      const hit = cache.get(target.key)?.get(target.frame);
      if (hit) {
        stop();
        deps.onImage(target, hit);
        return;
      }
      if (running?.key === target.key && running.frame === target.frame) return;
      stop();
      const job = { key: target.key, frame: target.frame, abort: new AbortController() };
      running = job;
      deps.renderAsync(target, job.abort.signal).then(
        (image) => {
          if (job.abort.signal.aborted) return;
          remember(job.key, job.frame, image);
          running = null;
          deps.onImage(target, image);
        },
        (error: unknown) => {
          if (job.abort.signal.aborted || (error as { name?: string } | null)?.name === 'AbortError') return;
          running = null;
          deps.onError(target, error);
        },
      );
    },
  };
}
