/** What the edit intents (strokes, codes, candidates, reset) need of the rest of the panel. */
import type { Store } from '../state/store';
import type { Playback } from './playback';
import type { EditRunner } from './run-edit';

export interface EditIntentContext {
  store: Store;
  edits: Pick<EditRunner, 'runAsync' | 'sendStrokes' | 'cancel'>;
  playback: Pick<Playback, 'stop'>;
}
