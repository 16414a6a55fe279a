/** Helpers for the reliability tests: complete PNG/JPEG/GIF files, a started plugin, apply messages. */
import jpeg from 'jpeg-js';
import { harness, makePng, record } from '../unit/helpers';
import type { PluginToUi } from '../../protocol/messages';
import type { EditRecord } from '../../protocol/edit-record';
import type { EmuSceneNode } from '../../dev/emulator';

export { harness, imageLayer, makePng, record, flush } from '../unit/helpers';

/** A complete baseline JPEG (jpeg-js). */
export function makeJpeg(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4, 200);
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

/** A complete 1×1 GIF89a (two-colour palette, one image, trailer). */
export const GIF_1x1 = new Uint8Array([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b,
]);

export const isAnswer = (requestId = 'req-1') => (m: PluginToUi) => (m.type === 'applied' && m.requestId === requestId) || (m.type === 'error' && m.requestId === requestId);

export function applyMsg(sourceNodeId: string, options: { count?: number; group?: boolean; bytes?: Uint8Array; width?: number; height?: number; requestId?: string; sourceRevision?: string; record?: Partial<EditRecord> } = {}) {
  const { count = 1, group = false, width = 32, height = 24 } = options;
  const bytes = options.bytes ?? makePng(width, height, 9);
  return {
    type: 'apply' as const,
    requestId: options.requestId ?? 'req-1',
    sourceNodeId,
    group,
    ...(options.sourceRevision !== undefined ? { sourceRevision: options.sourceRevision } : {}),
    results: Array.from({ length: count }, (_, i) => ({ name: `result ${i + 1}`, bytes, width, height, record: record({ source: { nodeId: sourceNodeId, name: 'src' }, ...options.record }) })),
  };
}

/** A plugin started against a fresh emulator and told the panel is ready. */
export async function started(setup?: (h: ReturnType<typeof harness>) => void) {
  const h = harness();
  setup?.(h);
  h.figma.resetHistory();
  h.start();
  await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
  return h;
}

/** The selection message that follows selecting `nodes`. */
export async function select(h: ReturnType<typeof harness>, nodes: EmuSceneNode[]) {
  const next = h.nextSelection();
  h.figma.currentPage.selection = nodes as never;
  return (await next).selection;
}
