/** Launches Debian's Chromium through playwright-core (no downloaded browsers). */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `webgpu` (default true): `--enable-unsafe-webgpu`, which gives secure contexts a software
 * (SwiftShader) WebGPU adapter. Without it headless Chromium on Linux has no adapter, so a
 * `srcdoc` panel runs its engine on wasm in the worker; with it the panel sees SwiftShader, a
 * fallback (software) adapter, and passes it over for wasm too (ui/capabilities.ts).
 */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      ...(options.webgpu === false ? [] : ['--enable-unsafe-webgpu']),
    ],
  });
}
