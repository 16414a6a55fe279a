/**
 * The designer's timeline in headless Chromium on the playground (the real dist/code.js and
 * dist/ui.html, packs embedded), for both ways Figma hosts the UI: panel shown, engine ready,
 * select a layer → ready to project, Project → the encoder's guess on screen → the projection
 * settled, a colour stroke → first and final candidates → the canvas's preview of Apply up to date
 * (issue 17: the edit carried onto the layer at the canvas's size), Apply → the new layer. And the same
 * projection through the engine in Node (as the CLI runs it) in the same run, for the ratio.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { Engine } from '../engine/engine.js';
import { fsPackSource } from '../engine/node/fs-pack-source.js';
import { decodeImage } from '../cli/image-io.js';
import { median } from './peer.js';

export async function panelFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 600; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && !f.isDetached());
    if (frame && (await frame.$('#app').catch(() => null))) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error('no panel frame');
}

export const STEPS = ['panel', 'engine', 'select', 'guess', 'projected', 'firstCandidates', 'finalCandidates', 'preview', 'applied'] as const;
export type Timeline = Record<(typeof STEPS)[number], number> & { backend: string; workers: string };

/** Where `timelineAsync` calls its `onPhase` (profiling: bench/trace-phase.ts, bench/cpu-phase.ts), outside the timings. */
export type Phase = 'engine' | 'project' | 'projected' | 'stroke' | 'first-candidates' | 'final-candidates';

/** A stroke across the canvas's lower part (the shirt), left pressed: the caller lifts the pointer. */
export async function pressStrokeAsync(page: Page, panel: Frame): Promise<void> {
  const box = (await panel.locator('[data-testid=edit-canvas]').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(0.36, 0.8));
  await page.mouse.down();
  await page.mouse.move(...at(0.64, 0.8), { steps: 6 });
}

/** Candidates settled → the preview up to date on the canvas, timed in the panel (a MutationObserver);
 * arm it before the pointer is lifted, read it with previewMsAsync. */
export async function armPreviewTimerAsync(panel: Frame): Promise<void> {
  await panel.evaluate(() => {
    (window as unknown as { previewMs: Promise<number> }).previewMs = new Promise<number>((resolve) => {
      let settled = 0;
      // (no named functions in here: the bundler's name helper does not exist in the page)
      const obs = new MutationObserver(() => {
        if (!settled && document.querySelector('[data-testid=candidates][data-final=true]')) settled = performance.now();
        if (settled && document.querySelector('[data-testid=edit-canvas][data-view=preview][data-updating=false]')) {
          obs.disconnect();
          resolve(performance.now() - settled);
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
}

export function previewMsAsync(panel: Frame): Promise<number> {
  return panel.evaluate(() => (window as unknown as { previewMs: Promise<number> }).previewMs);
}

export async function timelineAsync(url: string, browser: Awaited<ReturnType<typeof launchChromium>>, hosting: 'data' | 'srcdoc', onPhase?: (phase: Phase, page: Page) => Promise<void>): Promise<Timeline> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const t0 = Date.now();
  await page.goto(`${url}?host=${hosting}`);
  const panel = await panelFrame(page);
  const panelShown = Date.now() - t0;
  await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 300_000 });
  const engine = Date.now() - t0;
  await onPhase?.('engine', page);
  const tSel = Date.now();
  await page.click('.layer[data-name="Ada"]');
  await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 300_000 });
  const select = Date.now() - tSel;
  const layers = await page.$$eval('.layer', (l) => l.length);
  // Timed in the panel itself, from the click to what is on screen (a MutationObserver), so
  // Playwright's own waits for the button to be clickable do not count.
  await onPhase?.('project', page);
  const { guess, projected } = await panel.evaluate(() => new Promise<{ guess: number; projected: number }>((resolve) => {
    const t0 = performance.now();
    let guess = 0;
    const obs = new MutationObserver(() => {
      if (!guess && document.querySelector('[data-testid=reconstruction-preview], [data-testid=edit-canvas]')) guess = performance.now() - t0;
      if (document.querySelector('[data-testid=edit-canvas]')) {
        obs.disconnect();
        resolve({ guess, projected: performance.now() - t0 });
      }
    });
    obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    (document.querySelector('[data-testid=project]') as HTMLButtonElement).click();
  }));
  await onPhase?.('projected', page);
  await pressStrokeAsync(page, panel);
  await armPreviewTimerAsync(panel);
  await onPhase?.('stroke', page);
  const tUp = Date.now();
  await page.mouse.up();
  await panel.waitForSelector('[data-testid=candidates]', { timeout: 300_000 });
  const firstCandidates = Date.now() - tUp;
  await onPhase?.('first-candidates', page);
  await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 300_000 });
  const finalCandidates = Date.now() - tUp;
  await onPhase?.('final-candidates', page);
  const preview = await previewMsAsync(panel);
  await panel.waitForSelector('[data-testid=apply]:not([disabled])');
  const tApply = Date.now();
  await panel.click('[data-testid=apply]');
  await page.waitForFunction((n) => document.querySelectorAll('.layer').length > n, layers, { timeout: 300_000 });
  const applied = Date.now() - tApply;
  const backend = (await panel.getAttribute('[data-testid=caps]', 'data-backend')) ?? 'unknown';
  const workers = (await panel.getAttribute('[data-testid=caps]', 'data-workers')) ?? '?';
  await page.close();
  return { panel: panelShown, engine, select, guess, projected, firstCandidates, finalCandidates, preview, applied, backend, workers };
}

/** The same projection (Ada, the pack's defaults) through the engine in Node, warm, as the CLI runs it. */
export async function cliProjectionMsAsync(pack: string, reps: number): Promise<number> {
  const engine = await Engine.createAsync(fsPackSource(pack), { numThreads: 1 });
  const ada = decodeImage(readFileSync('playground/samples/avatar-ada.png'));
  await engine.warmUpAsync();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await engine.projectAsync(ada, { fit: 'letterbox' });
    times.push(performance.now() - t0);
  }
  await engine.releaseAsync();
  return median(times);
}

export async function benchColdStartAsync(quick: boolean, say: (s: string) => void, pack = 'models/personas64-v2'): Promise<Record<string, unknown>> {
  say('\n## The designer\'s timeline in headless Chromium (the playground with the built plugin; no GPU adapter: the CPU path)');
  if (!existsSync('dist/code.js') || !existsSync('/usr/bin/chromium')) {
    say('skipped: needs `npm run build` and Chromium at /usr/bin/chromium');
    return { skipped: true };
  }
  const { server, url } = await startServer(0, '127.0.0.1');
  // No --enable-unsafe-webgpu: its adapter is SwiftShader, which the panel passes over for wasm anyway.
  const browser = await launchChromium({ webgpu: false });
  const out: Record<string, unknown> = {};
  say('| hosting | panel shown | engine ready | select → ready | Project → encoder guess shown | Project → projection settled | stroke → first candidates | stroke → final candidates | candidates settled → preview shown | Apply → layer | backend (workers) |');
  say('|---|---|---|---|---|---|---|---|---|---|---|');
  try {
    for (const hosting of ['data', 'srcdoc'] as const) {
      const runs: Timeline[] = [];
      for (let rep = 0; rep < (quick ? 1 : 2); rep++) runs.push(await timelineAsync(url, browser, hosting));
      const med = Object.fromEntries(STEPS.map((k) => [k, median(runs.map((r) => r[k]))])) as Record<(typeof STEPS)[number], number>;
      out[hosting] = { runs, median: med };
      const s = (k: (typeof STEPS)[number]) => `${(med[k] / 1000).toFixed(2)} s`;
      say(`| ${hosting} | ${s('panel')} | ${s('engine')} | ${s('select')} | ${s('guess')} | ${s('projected')} | ${s('firstCandidates')} | ${s('finalCandidates')} | ${s('preview')} | ${s('applied')} | ${runs[0]!.backend} (${runs[0]!.workers}) |`);
    }
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  const cli = await cliProjectionMsAsync(pack, quick ? 2 : 5);
  const panelMs = (out.data as { median: Record<string, number> }).median.projected;
  out.cliProjectionMs = cli;
  out.panelProjectionVsCli = panelMs / cli;
  say(`The same projection (Ada, the pack's defaults) through the engine in Node, warm, 1 worker, as the CLI runs it: ${(cli / 1000).toFixed(2)} s (median); the panel (data hosting, click → settled on screen) takes ${(panelMs / cli).toFixed(2)}× that.`);
  return out;
}
