/**
 * Undo history as Figma shows it to plugins: changes accumulate until `commitUndo()`
 * closes them into one step; undo reverts the last step by running the recorded
 * inverses in reverse order.
 */
export class Journal {
  private pending: Array<() => void> = [];
  private steps: Array<Array<() => void>> = [];
  private replaying = false;

  record(inverse: () => void): void {
    if (!this.replaying) this.pending.push(inverse);
  }

  commit(): void {
    if (this.pending.length) this.steps.push(this.pending);
    this.pending = [];
  }

  /** Number of committed steps (plus one if changes are pending). */
  get depth(): number {
    return this.steps.length + (this.pending.length ? 1 : 0);
  }

  /** Reverts the last step (pending changes count as one). Returns false when there is none. */
  undo(): boolean {
    this.commit();
    const step = this.steps.pop();
    if (!step) return false;
    this.replaying = true;
    try {
      for (let i = step.length - 1; i >= 0; i--) step[i]();
    } finally {
      this.replaying = false;
    }
    return true;
  }

  clear(): void {
    this.pending = [];
    this.steps = [];
  }
}
