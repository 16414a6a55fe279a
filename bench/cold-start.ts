/**
 * Cold start in headless Chromium, for both ways Figma hosts the UI: from navigating to the
 * playground (the real dist/code.js + dist/ui.html, packs embedded) to the engine being ready
 * for the selected avatar, and to the first projection shown in the panel.
 */
import { existsSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';

async function panelFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 600; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && !f.isDetached());
    if (frame && (await frame.$('#app').catch(() => null))) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error('no panel frame');
}

export async function benchColdStartAsync(quick: boolean, say: (s: string) => void): Promise<Record<string, unknown>> {
  say('\n## Cold start in headless Chromium (software rendering, no GPU adapter: the CPU path; the playground with the built plugin)');
  if (!existsSync('dist/code.js') || !existsSync('/usr/bin/chromium')) {
    say('skipped: needs `npm run build` and Chromium at /usr/bin/chromium');
    return { skipped: true };
  }
  const { server, url } = await startServer(0, '127.0.0.1');
  // No --enable-unsafe-webgpu: its software adapter would make srcdoc hosting pick WebGPU on the
  // CPU (SwiftShader), which times nothing a designer would see. Real-GPU numbers need a GPU machine.
  const browser = await launchChromium({ webgpu: false });
  const out: Record<string, unknown> = {};
  say('| hosting | panel shown | engine ready (avatar selected) | first projection shown | execution provider |');
  say('|---|---|---|---|---|');
  try {
    for (const hosting of ['data', 'srcdoc'] as const) {
      const runs: { panel: number; ready: number; projected: number; backend: string }[] = [];
      for (let rep = 0; rep < (quick ? 1 : 2); rep++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const t0 = Date.now();
        await page.goto(`${url}?host=${hosting}`);
        const panel = await panelFrame(page);
        const tPanel = Date.now() - t0;
        await page.click('.layer[data-name="Ada"]');
        await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 300_000 });
        const tReady = Date.now() - t0;
        await panel.click('[data-testid=project]');
        await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 300_000 });
        const tProj = Date.now() - t0;
        const backend = (await panel.getAttribute('[data-backend]', 'data-backend').catch(() => null)) ?? 'unknown';
        runs.push({ panel: tPanel, ready: tReady, projected: tProj, backend });
        await page.close();
      }
      const med = (k: 'panel' | 'ready' | 'projected') => runs.map((r) => r[k]).sort((a, b) => a - b)[runs.length >> 1]!;
      out[hosting] = runs;
      say(`| ${hosting} | ${(med('panel') / 1000).toFixed(1)} s | ${(med('ready') / 1000).toFixed(1)} s | ${(med('projected') / 1000).toFixed(1)} s | ${runs[0]!.backend} |`);
    }
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  return out;
}
