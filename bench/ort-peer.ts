/**
 * One ONNX Runtime configuration for `npm run bench`, in its own process (the wasm thread
 * count is fixed per process). JSON lines on stdin/stdout, like bench/torch_peer.py:
 *   {"cmd":"init","pack":"models/personas64"}  -> {"ok":true,"version":"1.30.0"}
 *   {"cmd":"step","batch":8}                     -> {"ms":12.3,"cpuMs":11.9}
 * argv: web|node <threads>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { halfToFloatBytes } from '../engine/pack/half-float.js';

type Ort = typeof import('onnxruntime-web');
const [flavour, threadsArg] = process.argv.slice(2);
const threads = Number(threadsArg ?? '1');

async function loadOrt(): Promise<Ort> {
  if (flavour === 'node') return (await import('onnxruntime-node')) as unknown as Ort;
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return ort;
}

interface Pack { resolution: number; latent: { size: number }; weights: { file: string; storage?: string }; graphs: { editStep: { file: string } } }

async function main(): Promise<void> {
  const ort = await loadOrt();
  let session: import('onnxruntime-web').InferenceSession | undefined;
  let pack: Pack | undefined;
  const feeds = new Map<number, Record<string, import('onnxruntime-web').Tensor>>();
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const t = (d: Float32Array, dims: number[]) => new ort.Tensor('float32', d, dims);

  function feedsFor(b: number) {
    if (!feeds.has(b)) {
      const L = pack!.latent.size, R = pack!.resolution;
      const f = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
      const mask = () => Float32Array.from({ length: R * R }, () => (rand() > 0.8 ? 1 : 0));
      feeds.set(b, {
        z: t(f(b * L, -0.9, 0.9), [b, L]), z0: t(f(L, -0.9, 0.9), [1, L]),
        color_target: t(f(3 * R * R, -1, 1), [1, 3, R, R]), color_mask: t(mask(), [1, 1, R, R]),
        edge_target: t(f(3 * R * R, -1, 1), [1, 3, R, R]), edge_mask: t(mask(), [1, 1, R, R]),
        weights: t(Float32Array.from([1, 0.2, 0.05]), [3]),
      });
    }
    return feeds.get(b)!;
  }

  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const msg = JSON.parse(line) as { cmd: string; pack?: string; batch?: number };
    let out: Record<string, unknown>;
    try {
      if (msg.cmd === 'init') {
        pack = JSON.parse(readFileSync(join(msg.pack!, 'pack.json'), 'utf8')) as Pack;
        const opts: import('onnxruntime-web').InferenceSession.SessionOptions = flavour === 'node'
          ? { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 }
          : { executionProviders: ['wasm'] };
        // The weights as the engine gives them (engine/pack/load-pack.ts): a float16 file widened to
        // the float32 layout the graphs' offsets index; read raw, they are garbage (and denormal-laden).
        const raw = readFileSync(join(msg.pack!, pack.weights.file));
        const weights = pack.weights.storage === 'float16' ? halfToFloatBytes(raw) : raw;
        session = await ort.InferenceSession.create(readFileSync(join(msg.pack!, pack.graphs.editStep.file)), {
          ...opts, externalData: [{ path: pack.weights.file, data: weights }],
        });
        out = { ok: true, version: ort.env.versions?.common ?? 'unknown', threads };
      } else if (msg.cmd === 'step') {
        const f = feedsFor(msg.batch!);
        const t0 = performance.now(), c0 = process.cpuUsage();
        const o = await session!.run(f);
        (o.grad.data as Float32Array)[0];
        const c = process.cpuUsage(c0);
        out = { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };   // CPU: what a step costs on a shared machine
      } else if (msg.cmd === 'quit') {
        break;
      } else {
        out = { error: `unknown cmd ${msg.cmd}` };
      }
    } catch (e) {
      out = { error: String(e) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  process.exit(0);
}

void main();
