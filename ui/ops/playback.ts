/** Playing the sequence on the canvas (12 frames a second) and the slider's frame. */
import type { Store } from '../state/store';

export interface PlaybackContext {
  store: Store;
  /** Renders the chosen candidate's sequence if it is not there yet. */
  sequenceAsync(): Promise<void>;
}

export interface Playback {
  play(on: boolean): void;
  /** Stops playing (any intent that changes the edit does). */
  stop(): void;
  setFrame(frame: number | null): void;
}

export function createPlayback(ctx: PlaybackContext): Playback {
  const { store } = ctx;
  const state = () => store.get();
  let playTimer: ReturnType<typeof setInterval> | undefined;

  function startTicking(): void {
    clearInterval(playTimer);
    playTimer = setInterval(() => {
      store.dispatch({ type: 'tick' });
      if (!state().edit?.playing) clearInterval(playTimer);
    }, 1000 / 12);
  }

  function stop(): void {
    clearInterval(playTimer);
    if (state().edit?.playing) store.dispatch({ type: 'play', on: false });
  }

  return {
    stop,
    play(on) {
      stop();
      if (!on) return;
      store.dispatch({ type: 'play', on: true });
      if (!state().edit?.playing) {
        // No sequence yet: make it, then play.
        void ctx.sequenceAsync().then(() => {
          store.dispatch({ type: 'play', on: true });
          if (state().edit?.playing) startTicking();
        });
        return;
      }
      startTicking();
    },
    setFrame(frame) {
      stop();
      store.dispatch({ type: 'frame', frame });
    },
  };
}
