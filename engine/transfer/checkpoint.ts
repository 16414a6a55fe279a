/**
 * Interruptible transfers: between chunks of work (a frame pair, a band of rows) the transfer yields
 * to the event loop so an AbortSignal fired from a Worker message is seen, then rejects with the
 * signal's reason (an AbortError).
 */

/** Yields one macrotask turn, throwing the signal's reason if it was aborted before or during it. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  await yieldToEventLoop();
  throwIfAborted(signal);
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('The transfer was aborted');
  e.name = 'AbortError';
  return e;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

type Scheduler = { setImmediate?: (cb: () => void) => unknown; setTimeout: (cb: () => void, ms: number) => unknown };

/** A macrotask turn (so messages, e.g. a cancel, are delivered): setImmediate in Node, else a MessageChannel hop. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as Scheduler & { MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(v: unknown): void; close(): void } } };
  return new Promise((resolve) => {
    if (g.setImmediate) {
      g.setImmediate(resolve);
    } else if (g.MessageChannel) {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => { ch.port1.close(); ch.port2.close(); resolve(); };
      ch.port2.postMessage(null);
    } else {
      g.setTimeout(resolve, 0);
    }
  });
}
