/**
 * Lets queued macrotasks (a worker's incoming messages: a new stroke, a cancel) run between steps.
 * ORT's wasm `run` finishes without giving timers or messages a turn, so a loop of awaited runs
 * would otherwise hold the thread until it ends. setImmediate in Node; a MessageChannel in workers
 * (setTimeout(0) is clamped to ≥ 4 ms there).
 */
export function yieldToEventLoopAsync(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
