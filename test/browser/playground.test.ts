/**
 * The plugin end to end in Chromium, in both ways Figma may host the UI: the real
 * dist/code.js in the playground's emulated Figma, the real dist/ui.html in a `data:` URL
 * iframe or a sandboxed `srcdoc` iframe. Needs `npm run build` first (npm test does it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../playground/serve';
import type { Scene } from '../../playground/protocol';
import { launchChromium } from './chromium';

const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'test-results', 'screenshots');

let browser: Browser;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'code.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  ({ server, url: baseUrl } = await startServer(0));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

type Playground = {
  scene(): Scene;
  select(name: string): void;
  undo(): void;
  imageBytes(id: string): Promise<number[]>;
  notifications: Array<{ message: string; error: boolean }>;
};

async function panelFrame(page: Page): Promise<Frame> {
  await page.waitForSelector('iframe');
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no panel frame');
}

const scene = (page: Page) => page.evaluate(() => (window as unknown as { playground: Playground }).playground.scene());

for (const hosting of ['data', 'srcdoc'] as const) {
  describe(`playground, UI hosted as ${hosting}`, () => {
    let page: Page;
    let panel: Frame;
    const errors: string[] = [];

    beforeAll(async () => {
      page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl}?host=${hosting}`);
      panel = await panelFrame(page);
      await panel.waitForSelector('[data-testid=selection][data-kind=none]');
    });

    it('reports what the host allows', async () => {
      const caps = await panel.waitForSelector('[data-testid=caps][data-hosting]');
      const attrs = await caps.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
      expect(attrs.hosting).toBe(hosting);
      expect(attrs.threads).toBe('false');
      if (hosting === 'data') {
        expect(attrs.secure).toBe('false');
        expect(attrs.webgpu).toBe('absent');
      } else {
        expect(attrs.secure).toBe('true');
        expect(['adapter', 'software', 'no-adapter']).toContain(attrs.webgpu);
      }
      console.log(`[${hosting}] capabilities:`, attrs);
    });

    it('receives the streamed runtime', async () => {
      const assets = await panel.waitForSelector('[data-testid=assets][data-status=ready]', { timeout: 60_000 });
      expect(Number(await assets.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    });

    it('shows the selected layer and its thumbnail (the edit itself: panel-flow.test.ts)', async () => {
      const before = await scene(page);
      const ada = before.layers.find((l) => l.name === 'Ada')!;
      await page.click(`.layer[data-name="Ada"]`);
      const sel = await panel.waitForSelector(`[data-testid=selection][data-kind=image][data-node-id="${ada.id}"]`);
      expect(await sel.getAttribute('data-width')).toBe('256');
      expect(await sel.getAttribute('data-source')).toBe('image-fill');
      await panel.waitForFunction(() => (document.querySelector('img.thumb') as HTMLImageElement | null)?.naturalWidth === 256);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `playground-${hosting}.png`) });
      expect(errors).toEqual([]);
    });

    it('exports a layer without an image fill', async () => {
      await page.click(`.layer[data-name="Badge"]`);
      const sel = await panel.waitForSelector('[data-testid=selection][data-kind=image][data-source=export]');
      expect(await sel.getAttribute('data-width')).toBe('400'); // 200 px at scale 2
    });
  });
}
