/**
 * Candidates settled → the canvas's preview of Apply up to date (issue 17), for two builds side by
 * side: the same step as `npm run bench`'s designer timeline (data hosting, Ada, one colour stroke,
 * timed in the panel by a MutationObserver), the builds taking turns (A B, then B A, …) so that
 * both see the same load. Usage, e.g. main against a branch: build each tree into its own folder
 * (`npx tsx scripts/build.ts --out /tmp/before` in main's checkout, `--out /tmp/after` in the
 * branch's), then
 *
 *   npx tsx bench/preview-ab.ts 8 /tmp/before /tmp/after
 */
import type { Frame, Page } from 'playwright-core';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { median } from './peer.js';

async function panelFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 600; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && !f.isDetached());
    if (frame && (await frame.$('#app').catch(() => null))) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error('no panel frame');
}

async function settledToPreviewMs(url: string, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(`${url}?host=data`);
    const panel = await panelFrame(page);
    await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 300_000 });
    await page.click('.layer[data-name="Ada"]');
    await panel.click('[data-testid=project]:not([disabled])', { timeout: 300_000 });
    await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 300_000 });
    const box = (await panel.locator('[data-testid=edit-canvas]').boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    await page.mouse.move(...at(0.36, 0.8));
    await page.mouse.down();
    await page.mouse.move(...at(0.64, 0.8), { steps: 6 });
    await panel.evaluate(() => {
      (window as unknown as { previewMs: Promise<number> }).previewMs = new Promise<number>((resolve) => {
        let settled = 0;
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
    await page.mouse.up();
    return await panel.evaluate(() => (window as unknown as { previewMs: Promise<number> }).previewMs);
  } finally {
    await page.close();
  }
}

const [repsArg, dirA, dirB] = process.argv.slice(2);
if (!repsArg || !dirA || !dirB) throw new Error('usage: tsx bench/preview-ab.ts <reps> <build A> <build B>');
const dirs = [dirA, dirB];
const servers = await Promise.all(dirs.map((d) => startServer(0, '127.0.0.1', d)));
const browser = await launchChromium({ webgpu: false });
const ms: number[][] = [[], []];
try {
  for (let rep = 0; rep < Number(repsArg); rep++) {
    for (const i of rep % 2 ? [1, 0] : [0, 1]) {
      ms[i]!.push(await settledToPreviewMs(servers[i]!.url, browser));
      console.log(`${dirs[i]} #${rep + 1}: ${ms[i]!.at(-1)!.toFixed(0)} ms`);
    }
  }
} finally {
  await browser.close();
  for (const s of servers) s.server.close();
}
const [a, b] = ms.map((m) => median(m));
console.log(`candidates settled → preview shown, median of ${repsArg}: ${dirA} ${a!.toFixed(0)} ms, ${dirB} ${b!.toFixed(0)} ms; B/A ${(b! / a!).toFixed(2)}`);
