import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { EngineClient, type WorkerLike } from '../../engine/worker/engine-client.js';
import { EngineHost } from '../../engine/worker/handle-request.js';
import { installEngineWorker, type WorkerScopeLike } from '../../engine/worker/install-engine-worker.js';
import type { EngineResponse } from '../../engine/worker/protocol.js';
import { testPackSource } from './pack-dir.js';

const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
async function packFiles(): Promise<Record<string, Uint8Array>> {
  const src = testPackSource();
  const out: Record<string, Uint8Array> = {};
  for (const f of FILES) out[f] = await src(f);
  return out;
}

describe('EngineHost.handleRequest (no Worker)', () => {
  it('answers malformed, unknown and premature requests with an error, and drops what it cannot answer', async () => {
    const host = new EngineHost();
    const got: EngineResponse[] = [];
    const post = (r: EngineResponse) => got.push(r);
    await host.handleRequest({ type: 'nope', id: 1 }, post);
    await host.handleRequest({ type: 'render', id: 2, z: new Float32Array(13) }, post);
    await host.handleRequest('garbage', post);
    await host.handleRequest({ type: 'edit' }, post);
    expect(got).toEqual([
      { type: 'error', id: 1, message: expect.stringContaining('engine request: unknown type "nope"') },
      { type: 'error', id: 2, message: 'engine: not initialised; send an init request with the pack files first' },
    ]);
  });

  it('reports a pack error with its field', async () => {
    const host = new EngineHost();
    const files = await packFiles();
    const got: EngineResponse[] = [];
    await host.handleRequest({ type: 'init', id: 1, packFiles: { ...files, 'weights.bin': files['weights.bin']!.slice(1) } }, (r) => got.push(r));
    expect(got[0]).toMatchObject({ type: 'error', id: 1, field: 'weights.sha256' });
  });
});

/** A Worker simulated by a MessageChannel: messages are structured-cloned, buffers transferred. */
function channelWorker(): { worker: WorkerLike; host: EngineHost; close: () => void } {
  const ch = new MessageChannel();
  const scope = ch.port1 as unknown as WorkerScopeLike;
  const host = installEngineWorker(scope);
  ch.port1.start(); ch.port2.start();
  return { worker: ch.port2 as unknown as WorkerLike, host, close: () => { ch.port1.close(); ch.port2.close(); } };
}

describe.each([
  ['in-process', () => ({ client: EngineClient.inProcess(), close: () => undefined })],
  ['over a worker (MessageChannel)', () => { const w = channelWorker(); return { client: EngineClient.overWorker(w.worker), close: w.close }; }],
])('EngineClient %s', (_name, make) => {
  let client: EngineClient;
  let close: () => void;
  beforeAll(async () => {
    ({ client, close } = make());
    const ready = await client.request({ type: 'init', packFiles: await packFiles(), numThreads: 1, edit: { steps: 6, seed: 1, streamIntervalMs: 0 } });
    expect(ready).toMatchObject({ type: 'ready', executionProvider: 'wasm', pack: { id: 'tiny', resolution: 64 } });
  });
  afterAll(async () => { await client.request({ type: 'dispose' }); close(); });

  it('projects with progress, then edits with streamed candidates', async () => {
    const w = 40, h = 30, data = new Uint8ClampedArray(w * h * 4).fill(180);
    const progress: number[] = [];
    const p = await client.request({ type: 'project', image: { width: w, height: h, data }, iterations: 3, starts: 2 }, {
      onEvent: (e) => { if (e.type === 'progress') progress.push(e.done); },
    });
    expect(p.type).toBe('projected');
    expect(p.image.length).toBe(64 * 64 * 4);
    expect(progress.length).toBeGreaterThan(0);
    expect(p.pixelError).toBeLessThanOrEqual(p.encoderPixelError);

    const streamed: number[] = [];
    const c = await client.request({ type: 'edit', strokes: [{ kind: 'color', points: [[20, 20], [40, 20]], width: 6, color: [250, 10, 10] }] }, {
      onEvent: (e) => { if (e.type === 'candidates') { expect(e.final).toBe(false); streamed.push(e.step); } },
    });
    expect(c).toMatchObject({ type: 'candidates', final: true, step: 6, steps: 6 });
    // The batch as the new strokes find it (shown while the category search runs), then Adam's steps 0 … 5.
    expect(streamed).toEqual([0, 0, 1, 2, 3, 4, 5]);
    expect(c.images.length).toBe(8 * 64 * 64 * 4);
    expect(c.z0).toEqual(p.z);
    expect(Object.keys(c.codes)).toEqual(['Code 1', 'Code 2', 'Category']);
  });

  it('a newer edit supersedes the one in flight (answered cancelled), and a signal cancels', async () => {
    const first = client.request({ type: 'edit', strokes: [{ kind: 'color', points: [[10, 10]], width: 6, color: [0, 0, 0] }] });
    const second = client.request({ type: 'edit', strokes: [{ kind: 'color', points: [[12, 10]], width: 6, color: [0, 0, 0] }] });
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).resolves.toMatchObject({ type: 'candidates', final: true });

    const ac = new AbortController();
    const third = client.request({ type: 'fix', index: 0 }, { signal: ac.signal, onEvent: () => ac.abort() });
    await expect(third).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers code changes, interpolation, rendering and bad input', async () => {
    const c = await client.request({ type: 'set-code', change: { code: 'Code 1', set: 0.5 } });
    expect(c.codes['Code 1']).toBeCloseTo(0.5);
    const f = await client.request({ type: 'interpolate', to: c.order[0]!, frames: 5 });
    expect(f.images.length).toBe(5 * 64 * 64 * 4);
    const r = await client.request({ type: 'render', z: c.z.slice(0, 13) });
    expect(r.images.length).toBe(64 * 64 * 4);
    await expect(client.request({ type: 'edit', strokes: [{ kind: 'color', points: [[1, 1]], width: -1, color: [0, 0, 0] }] }))
      .rejects.toThrow('strokes[0].width must be a number in (0, 256], got -1');
    await expect(client.request({ type: 'set-code', change: { code: 'Category', category: 9 } })).rejects.toThrow('must be an integer in [0, 2], got 9');
  });

  it('a projection shows the encoder’s guess at once and then its improvements; warm-up runs every graph', async () => {
    await client.request({ type: 'warm-up' });
    const images: Uint8ClampedArray[] = [];
    const done: number[] = [];
    const data = new Uint8ClampedArray(64 * 64 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
    const r = await client.request({ type: 'project', image: { width: 64, height: 64, data }, iterations: 6 }, {
      onEvent: (e) => { if (e.type === 'progress') { done.push(e.done); if (e.image) images.push(e.image); } },
    });
    expect(images.length).toBeGreaterThanOrEqual(1);
    expect(done[0]).toBe(0); // the first report, with the encoder's guess, comes before any L-BFGS-B iteration
    expect(images[0]!.length).toBe(64 * 64 * 4);
    expect(r.image.length).toBe(64 * 64 * 4); // the final answer still carries its image
    expect(r.encoderPixelError).toBeGreaterThanOrEqual(r.pixelError);
  });

  it('times an edit step on its execution provider without touching the edit session', async () => {
    const before = await client.request({ type: 'render', z: new Float32Array(13) });
    const t = await client.request({ type: 'time-step', candidates: 4, repeats: 2 });
    expect(t).toMatchObject({ type: 'step-timed', candidates: 4, executionProvider: 'wasm' });
    expect(t.ms).toBeGreaterThan(0);
    expect(Number.isFinite(t.ms)).toBe(true);
    const fix = await client.request({ type: 'fix', index: 0 });
    expect(fix.final).toBe(true); // the session still answers as before
    expect((await client.request({ type: 'render', z: new Float32Array(13) })).images).toEqual(before.images);
    await expect(client.request({ type: 'time-step', candidates: 0 })).rejects.toThrow('time-step: candidates must be an integer in [1, 64], got 0');
  });
});
