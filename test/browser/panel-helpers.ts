/**
 * Shared by the panel's browser tests: a build of our own (with the fixture pack besides
 * whatever models/ holds, so the flow runs before the real pack exists), the playground served
 * from it, and small helpers to drive the emulated Figma and the panel inside its iframe.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { buildAll } from '../../scripts/build';
import { startServer } from '../../playground/serve';
import type { Scene } from '../../playground/protocol';
import { launchChromium } from './chromium';

export const ROOT = join(import.meta.dirname, '..', '..');
export const REAL_PACK = 'personas64-v2';
export const hasRealPack = existsSync(join(ROOT, 'models', REAL_PACK, 'pack.json'));
export const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'test-results', 'screenshots');

export interface Env {
  browser: Browser;
  server: Server;
  url: string;
}

/**
 * Builds into node_modules/.cache/<name> (models/ packs + the fixture pack + `packDirs`) and
 * serves it. `webgpu`: see launchChromium (with it, a `srcdoc` panel runs its engine on
 * SwiftShader WebGPU in its own thread).
 */
export async function startEnv(name: string, options: { webgpu?: boolean; packDirs?: string[] } = {}): Promise<Env> {
  const outDir = join(ROOT, 'node_modules', '.cache', name);
  await buildAll({ outDir, packDirs: [join(ROOT, 'test', 'fixtures', 'packs'), ...(options.packDirs ?? [])], quiet: true });
  const { server, url } = await startServer(0, '127.0.0.1', outDir);
  const browser = await launchChromium({ webgpu: options.webgpu });
  mkdirSync(SHOTS, { recursive: true });
  return { browser, server, url };
}

export async function stopEnv(env: Env | undefined): Promise<void> {
  await env?.browser.close();
  await new Promise((resolve) => (env?.server ? env.server.close(resolve) : resolve(undefined)));
}

type Playground = {
  scene(): Scene;
  select(name: string): void;
  undo(): void;
  relaunch(command?: string): void;
  exportPng(id: string): Promise<number[]>;
  notifications: Array<{ message: string; error: boolean }>;
};

export const scene = (page: Page): Promise<Scene> => page.evaluate(() => (window as unknown as { playground: Playground }).playground.scene());
export const undo = (page: Page) => page.evaluate(() => (window as unknown as { playground: Playground }).playground.undo());
export const relaunch = (page: Page) => page.evaluate(() => (window as unknown as { playground: Playground }).playground.relaunch('edit'));

export async function waitForLayers(page: Page, n: number): Promise<Scene> {
  await page.waitForFunction((count) => (window as unknown as { playground: Playground }).playground.scene().layers.length === count, n, { timeout: 60_000 });
  return scene(page);
}

/** The panel's frame (a new one after every showUI). */
export async function panelFrame(page: Page, not?: Frame): Promise<Frame> {
  for (let i = 0; i < 300; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f !== not && !f.isDetached());
    if (frame && (await frame.$('#app').catch(() => null))) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no panel frame');
}

/** RGBA of a layer exported at 1× by the emulator (PNG decoded in the page). */
export async function layerPixels(page: Page, id: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.evaluate(async (layerId) => {
    const png = await (window as unknown as { playground: Playground }).playground.exportPng(layerId);
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(png)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    return { width: bitmap.width, height: bitmap.height, data: Array.from(ctx.getImageData(0, 0, bitmap.width, bitmap.height).data) };
  }, id);
}

/** Mean redness (R − (G + B)/2) of a rectangle given in fractions of the image. */
export function redness(img: { width: number; height: number; data: number[] }, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0, n = 0;
  for (let y = Math.floor(y0 * img.height); y < Math.ceil(y1 * img.height); y++) {
    for (let x = Math.floor(x0 * img.width); x < Math.ceil(x1 * img.width); x++) {
      const o = (y * img.width + x) * 4;
      sum += img.data[o] - (img.data[o + 1] + img.data[o + 2]) / 2;
      n++;
    }
  }
  return sum / Math.max(1, n);
}

export function meanAbsDiff(a: { data: number[] }, b: { data: number[] }): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / ((a.data.length / 4) * 3);
}

/** Drags across the edit canvas through points given in fractions of its size. */
export async function drawOnCanvas(page: Page, panel: Frame, points: Array<[number, number]>): Promise<void> {
  // The canvas can still be moving (the panel re-lays out after a resize, the canvas sizes itself to its
  // column): a stroke drawn at a stale position lands off the canvas. Draw once two reads agree.
  const canvas = panel.locator('[data-testid=edit-canvas]');
  let box = (await canvas.boundingBox())!;
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const next = (await canvas.boundingBox())!;
    const same = ['x', 'y', 'width', 'height'].every((k) => Math.abs(next[k as keyof typeof next] - box[k as keyof typeof box]) < 0.5);
    box = next;
    if (same) break;
  }
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

/** A screenshot of the panel alone (the iframe element), light or dark. */
export async function shootPanel(page: Page, name: string, themes: Array<'light' | 'dark'> = ['light', 'dark']): Promise<void> {
  const frame = await (await page.locator('iframe').elementHandle())?.contentFrame();
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    // Wait until the panel has restyled (its background follows the scheme) and painted.
    await frame?.waitForFunction((dark) => {
      const [r] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
      return dark ? r < 128 : r > 128;
    }, theme === 'dark', { timeout: 10_000 });
    await frame?.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(100);
    await page.locator('iframe').screenshot({ path: join(SHOTS, `panel-${name}-${theme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
