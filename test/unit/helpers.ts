/** Shared test helpers: tiny PNGs and the plugin running against the emulated Figma. */
import { encode } from 'fast-png';
import { EmulatedFigma } from '../../dev/emulator';
import { startPlugin, type EmbeddedAsset } from '../../plugin/main';
import { RELAUNCH_COMMAND } from '../../plugin/edit-record-key';
import type { EditRecord } from '../../protocol/edit-record';
import type { PluginToUi, UiToPlugin } from '../../protocol/messages';
import manifest from '../../manifest.json';

/** The plugin id Figma would run the plugin under (manifest.json `id`). */
export const PLUGIN_ID = manifest.id;

/** A width×height RGBA PNG whose pixels encode their position (so crops are checkable). */
export function makePng(width: number, height: number, seed = 0): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = (y * width + x) * 4;
      data.set([(x * 7 + seed) & 255, (y * 5 + seed) & 255, (x ^ y) & 255, 255], k);
    }
  }
  return encode({ width, height, data, channels: 4, depth: 8 });
}

export function record(overrides: Partial<EditRecord> = {}): EditRecord {
  return { v: 1, packId: 'test', latent: [0.1, -0.2], latent0: [0, 0], constraints: { strokes: [] }, source: { nodeId: '0:1', name: 'src' }, createdAt: 1, ...overrides };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 5));

export function harness(options: { assets?: EmbeddedAsset[]; chunkChars?: number } = {}) {
  const received: PluginToUi[] = [];
  const figma = new EmulatedFigma({ relaunchCommands: [RELAUNCH_COMMAND], pluginId: PLUGIN_ID, hooks: { toUi: (m) => received.push(m as PluginToUi) } });
  const start = () => startPlugin(figma.pluginApi, '<html></html>', options.assets ?? [], options.chunkChars);
  /** Sends a message from the UI and waits until the main thread has answered `until`. */
  async function send(msg: UiToPlugin | unknown, until?: (m: PluginToUi) => boolean): Promise<PluginToUi[]> {
    const from = received.length;
    figma.deliverFromUi(msg);
    for (let i = 0; i < 200; i++) {
      await flush();
      const got = received.slice(from);
      if (!until || got.some(until)) return got;
    }
    throw new Error(`no answer matching ${until} to ${JSON.stringify(msg).slice(0, 200)}`);
  }
  async function nextSelection(): Promise<Extract<PluginToUi, { type: 'selection' }>> {
    const from = received.length;
    for (let i = 0; i < 200; i++) {
      await flush();
      const got = received.slice(from).find((m) => m.type === 'selection');
      if (got) return got as Extract<PluginToUi, { type: 'selection' }>;
    }
    throw new Error('no selection message');
  }
  return { figma, received, start, send, nextSelection };
}

export function imageLayer(figma: EmulatedFigma, png: Uint8Array, name = 'Photo', w = 64, h = 48) {
  const rect = figma.createRectangle();
  rect.name = name;
  rect.resize(w, h);
  rect.fills = [{ type: 'IMAGE', imageHash: figma.createImage(png).hash, scaleMode: 'FILL' }];
  return rect;
}
