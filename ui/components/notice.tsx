/**
 * The engine's notice (not an error: the GPU stopped responding and the edit goes on on the
 * CPU, or the GPU did not answer in time), under the header until the designer dismisses it.
 * The live region is always there, so a notice that appears in it is announced.
 */
import { CloseIcon, InfoIcon } from './icons';

export function Notice({ notice, onDismiss }: { notice: string | null; onDismiss: () => void }) {
  return (
    <div class="notice-region" role="status" aria-live="polite">
      {notice && (
        <div class="notice" data-testid="notice">
          <span class="notice-icon"><InfoIcon /></span>
          <span class="notice-text">{notice}</span>
          <button class="icon-btn notice-dismiss" aria-label="Dismiss this notice" title="Dismiss" data-testid="dismiss-notice" onClick={onDismiss}>
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
}
