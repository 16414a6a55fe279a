import { Worker } from 'node:worker_threads';
import { PortShard } from '../worker/shard-client.js';

/**
 * `count` worker threads, each a shard with its own single-threaded onnxruntime-web sessions of
 * the pack (Node's stand-in for the panel's helper workers: the bench measures the split here).
 * With no pack (null) they only estimate the transfer's frame pairs.
 * From the TypeScript sources (tsx, as the bench and the CLI run) the thread registers tsx first,
 * unless `script` names a built thread (the bench bundles one, so its memory is the shard's alone).
 */
export async function startThreadShardsAsync(count: number, packFiles: Record<string, Uint8Array> | null, options: { script?: URL } = {}): Promise<PortShard[]> {
  const fromSource = !options.script && import.meta.url.endsWith('.ts');
  const script = options.script ?? new URL(fromSource ? './shard-thread.ts' : './shard-thread.js', import.meta.url);
  return Promise.all(Array.from({ length: count }, () => {
    const worker = fromSource
      ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true })
      : new Worker(script);
    let shard: PortShard | null = null;
    let failStart: (e: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => { failStart = reject; });
    stopped.catch(() => undefined); // after the start it only matters to the work in flight
    const fail = (why: string) => {
      shard?.fail(why);
      failStart(new Error(why));
    };
    worker.on('error', (e: Error) => fail(`shard thread: ${e.message}`));
    worker.on('exit', (code) => fail(`shard thread exited (${code})`));
    const port = { postMessage: (m: unknown, t?: Transferable[]) => worker.postMessage(m, t as never), addEventListener: (_t: 'message', l: (e: { data: unknown }) => void) => worker.on('message', (data) => l({ data })) };
    const start = PortShard.startAsync(port, packFiles && structuredClone(packFiles), undefined, () => void worker.terminate()).then((s) => (shard = s));
    return Promise.race([start, stopped]);
  }));
}
