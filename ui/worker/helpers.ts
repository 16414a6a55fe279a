/**
 * The panel's helper workers: classic Blob workers from the same script as the compute worker,
 * each made a shard (its own single-threaded onnxruntime-web sessions of the pack) and connected
 * to the compute worker by a MessageChannel. The iframe is not cross-origin isolated, so wasm has
 * no threads; several workers still run in parallel, and the engine splits each batch across them.
 */

/** The most workers the engine uses in all (the compute worker and its helpers): each holds its own copy of the pack. */
export const MAX_WORKERS = 4;

/** Helpers to start for `cores` logical cores: one worker per core, the compute worker included, at most MAX_WORKERS. */
export function helperCount(cores: number | undefined): number {
  const n = Number.isInteger(cores) && cores! > 0 ? cores! : 1;
  return Math.min(n, MAX_WORKERS) - 1;
}

/** Starts `count` helpers from `url` and returns the compute worker's ends of their channels. */
export function startHelpers(url: string, count: number): { ports: MessagePort[]; workers: Worker[] } {
  const ports: MessagePort[] = [], workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const helper = new Worker(url);
    const channel = new MessageChannel();
    helper.postMessage({ ch: 'shard-host', port: channel.port1 }, [channel.port1]);
    ports.push(channel.port2);
    workers.push(helper);
  }
  return { ports, workers };
}
