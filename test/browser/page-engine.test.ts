/**
 * Where the engine runs, in Chromium with its software WebGPU adapter (`--enable-unsafe-webgpu`,
 * SwiftShader), against the playground:
 * - `?host=srcdoc`: the panel is a secure context with an adapter, its classic Blob worker is not
 *   (no `navigator.gpu`). SwiftShader is a software (fallback) adapter, far slower than wasm, so it
 *   is passed over: the engine runs on wasm in the worker and the badge's tooltip says why. (On a
 *   machine with a hardware adapter the panel hosts the engine on WebGPU and keeps it there only if
 *   an edit step timed faster than on wasm.) A projection completes with an error close to the
 *   same projection in `data` hosting, a stroke's candidates settle and Apply writes a layer, and
 *   the panel keeps drawing frames while the model works;
 * - `?host=data`: no secure context, no WebGPU anywhere: wasm in the worker, as before.
 * SwiftShader is slow (a projection of the real pack takes minutes), so both run on "quick", the
 * fixture pack with fewer projection iterations and edit steps.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawOnCanvas, panelFrame, ROOT, scene, startEnv, stopEnv, waitForLayers, type Env } from './panel-helpers';

const QUICK = 'quick';
let env: Env;
let packs: string;
const projected: Partial<Record<'data' | 'srcdoc', { error: number; ms: number }>> = {};

beforeAll(async () => {
  // The tiny fixture pack as "quick": 12 projection iterations from 2 starts, 4 edit steps.
  packs = mkdtempSync(join(tmpdir(), 'manifold-quick-'));
  const tiny = join(ROOT, 'test', 'fixtures', 'packs', 'tiny');
  mkdirSync(join(packs, QUICK));
  for (const f of readdirSync(tiny)) copyFileSync(join(tiny, f), join(packs, QUICK, f));
  const pack = JSON.parse(readFileSync(join(tiny, 'pack.json'), 'utf8'));
  pack.id = QUICK;
  pack.title = 'Test fixture, quick';
  pack.defaults.project = { ...pack.defaults.project, iterations: 12, starts: 2 };
  pack.defaults.edit = { ...pack.defaults.edit, steps: 4 };
  writeFileSync(join(packs, QUICK, 'pack.json'), JSON.stringify(pack, null, 2));
  env = await startEnv('manifold-page-engine', { webgpu: true, packDirs: [packs] });
}, 300_000);
afterAll(async () => {
  await stopEnv(env);
  rmSync(packs, { recursive: true, force: true });
});

async function openPanel(hosting: 'data' | 'srcdoc', errors: string[], consoleErrors: string[] = []): Promise<{ page: Page; panel: Frame }> {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${env.url}?host=${hosting}`);
  const panel = await panelFrame(page);
  // Generous: on a loaded 2-core machine the first start (two workers compiling the wasm and
  // making their sessions) took ~60 s after the assets arrived.
  await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 240_000 });
  // The quick pack (the build also ships the default one, which the panel starts first).
  await panel.selectOption('[data-testid=pack-picker]', QUICK);
  // wait for the quick pack's engine itself (not the default one's state just before the switch)
  await panel.waitForSelector(`[data-testid=assets][data-engine=ready][data-pack="${QUICK}"]`, { timeout: 60_000 });
  await panel.waitForSelector('[data-testid=caps][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  return { page, panel };
}

const badge = async (panel: Frame) => {
  const el = (await panel.$('[data-testid=caps]'))!;
  return { backend: await el.getAttribute('data-backend'), host: await el.getAttribute('data-host'), webgpu: await el.getAttribute('data-webgpu'), workers: await el.getAttribute('data-workers'), label: await el.textContent() };
};

async function projectAda(page: Page, panel: Frame, hosting: 'data' | 'srcdoc'): Promise<number> {
  await page.click('.layer[data-name="Ada"]');
  await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 60_000 });
  const t0 = Date.now();
  await panel.click('[data-testid=project]');
  await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 120_000 });
  const error = Number(await panel.getAttribute('[data-testid=projection-error]', 'data-error'));
  projected[hosting] = { error, ms: Date.now() - t0 };
  return error;
}

describe('engine placement in the playground (Chromium with a software WebGPU adapter)', () => {
  // data first: its (fast) wasm projection is the reference for the WebGPU one.
  it('data: no WebGPU anywhere, so the engine runs on wasm in the worker', async () => {
    const errors: string[] = [];
    const { page, panel } = await openPanel('data', errors);
    expect(await badge(panel)).toMatchObject({ backend: 'wasm', host: 'worker', webgpu: 'absent', label: 'CPU' });
    // One worker per core (at most 4): the compute worker and its helpers share every batch.
    const cores = await panel.evaluate(() => navigator.hardwareConcurrency);
    expect(Number((await badge(panel)).workers)).toBe(Math.min(Math.max(cores, 1), 4));
    expect(page.workers().filter((w) => w.url().startsWith('blob:')).length).toBe(Math.min(Math.max(cores, 1), 4));
    expect(await panel.getAttribute('[data-testid=caps]', 'title')).toMatch(cores > 1 ? /WebAssembly, \d workers side by side/ : /WebAssembly, 1 thread/);
    const error = await projectAda(page, panel, 'data');
    expect(error).toBeGreaterThan(0);
    expect(Number.isFinite(error)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 360_000);

  it('srcdoc: the panel has a WebGPU adapter; a software one (SwiftShader here) is passed over for wasm, a hardware one is timed against wasm; project, edit and apply work', async () => {
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    const { page, panel } = await openPanel('srcdoc', errors, consoleErrors);
    const b = await badge(panel);
    const title = () => panel.getAttribute('[data-testid=caps]', 'title');
    if (b.webgpu === 'software') {
      // Headless Chromium's --enable-unsafe-webgpu adapter is SwiftShader (isFallbackAdapter): a
      // projection took 113 s on it against ~8 s on wasm, so the engine runs on wasm in the worker.
      expect(b).toMatchObject({ backend: 'wasm', host: 'worker', label: 'CPU' });
      expect(await title()).toContain('The WebGPU adapter here computes on the processor (google swiftshader), so the model runs on WebAssembly, which is faster.');
    } else if (b.webgpu === 'adapter') {
      // A hardware adapter (a GPU machine): the panel hosts the engine on WebGPU, then an edit step
      // is timed there and on wasm and the faster keeps the model.
      await panel.waitForFunction(() => /One edit step of \d+ candidates took/.test(document.querySelector('[data-testid=caps]')?.getAttribute('title') ?? ''), undefined, { timeout: 120_000 });
      const t = (await title())!;
      console.log(`[page engine] ${t.split('\n').join(' | ')}`);
      expect((await badge(panel)).backend).toBe(/runs on the processor/.test(t) ? 'wasm' : 'webgpu');
    } else {
      console.warn(`no WebGPU adapter in this Chromium's srcdoc panel (${b.webgpu}): nothing to choose between`);
      expect(b).toMatchObject({ backend: 'wasm', host: 'worker' });
    }
    // The worker itself has no WebGPU (not a secure context): only the panel could host a WebGPU engine.
    const worker = page.workers().find((w) => w.url().startsWith('blob:'))!;
    expect(await worker.evaluate(() => ({ secure: self.isSecureContext, gpu: 'gpu' in navigator }))).toEqual({ secure: false, gpu: false });

    // The panel keeps drawing while the model projects: the longest gap between animation frames.
    await panel.evaluate(() => {
      const w = window as unknown as { maxGap: number; last: number };
      w.maxGap = 0;
      w.last = performance.now();
      const tick = (t: number) => { w.maxGap = Math.max(w.maxGap, t - w.last); w.last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    const error = await projectAda(page, panel, 'srcdoc');
    const maxGap = await panel.evaluate(() => (window as unknown as { maxGap: number }).maxGap);
    const ref = projected.data?.error;
    const now = await badge(panel);
    console.log(`[page engine] srcdoc projection on ${now.backend} (${now.host}) in ${projected.srcdoc!.ms} ms, error ${error.toFixed(5)}; data (wasm in the worker): ${projected.data?.ms} ms, error ${ref?.toFixed(5)}; longest frame gap while projecting ${Math.round(maxGap)} ms`);
    expect(error).toBeGreaterThan(0);
    if (ref !== undefined) expect(Math.abs(error - ref)).toBeLessThan(0.02 * ref + 1e-3);
    expect(maxGap).toBeLessThan(2000);

    // A stroke: candidates from the panel's engine settle; Apply renders the frames there and
    // the worker carries the change over to the layer.
    const before = await scene(page);
    await drawOnCanvas(page, panel, [[0.36, 0.17], [0.5, 0.14], [0.64, 0.17]]);
    await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 120_000 });
    expect(await panel.getAttribute('[data-testid=candidates]', 'data-count')).toBe(now.backend === 'webgpu' ? '16' : '8'); // 16 where a GPU computes them
    await panel.waitForSelector('[data-testid=apply]:not([disabled])');
    await panel.click('[data-testid=apply]');
    await panel.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
    const after = await waitForLayers(page, before.layers.length + 1);
    expect(after.layers.find((l) => !before.layers.some((o) => o.id === l.id))?.name).toBe('Ada · Manifold');
    expect(await badge(panel)).toMatchObject({ backend: now.backend, host: now.host });
    expect(errors).toEqual([]);
    // onnxruntime's node-assignment warnings (4 per start on WebGPU) are not console errors (issue 16, item 7).
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
