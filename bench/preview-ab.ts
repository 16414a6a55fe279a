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
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { armPreviewTimerAsync, panelFrame, pressStrokeAsync, previewMsAsync } from './cold-start.js';
import { median } from './peer.js';

async function settledToPreviewMs(url: string, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(`${url}?host=data`);
    const panel = await panelFrame(page);
    await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 300_000 });
    await page.click('.layer[data-name="Ada"]');
    await panel.click('[data-testid=project]:not([disabled])', { timeout: 300_000 });
    await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 300_000 });
    await pressStrokeAsync(page, panel);
    await armPreviewTimerAsync(panel);
    await page.mouse.up();
    return await previewMsAsync(panel);
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
