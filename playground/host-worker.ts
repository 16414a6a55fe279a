/**
 * The playground's "Figma": a classic Worker running the real dist/code.js against the
 * emulated Figma, the way Figma runs a plugin's main thread in its own sandbox.
 */
import { EmulatedFigma, EmuSceneNode } from '../dev/emulator';
import { EDIT_RECORD_KEY } from '../plugin/edit-record-key';
import type { HostApi } from '../plugin/host';
import type { HostToPage, PageToHost, Scene } from './protocol';
import { buildScene, SAMPLES } from './scene';

interface Scope {
  postMessage(msg: HostToPage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<PageToHost>) => void) | null;
  importScripts(url: string): void;
  figma?: HostApi;
  __html__?: string;
}
const scope = self as unknown as Scope;
const post = (msg: HostToPage, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
let figma: EmulatedFigma | null = null;
let codeUrl = '';

function snapshot(f: EmulatedFigma): Scene {
  const layers = f.currentPage.children.map((node) => {
    const scale = Math.min(1, 512 / Math.max(node.width, node.height));
    const pixels = f.exportNode(node, { format: 'PNG', constraint: { type: 'SCALE', value: scale } });
    return { id: node.id, name: node.name, type: node.type, x: node.x, y: node.y, width: node.width, height: node.height, pixels, isResult: !!node.getPluginData(EDIT_RECORD_KEY) || (node.type === 'GROUP' && node.name.includes('Manifold')), relaunch: Object.keys(node.relaunchData) };
  });
  return { layers, selection: f.currentPage.selection.map((n) => n.id), undoDepth: f.undoDepth, viewportTarget: [...f.viewportTarget] };
}

function postScene(): void {
  if (!figma) return;
  const scene = snapshot(figma);
  post({ type: 'scene', scene }, scene.layers.map((l) => l.pixels.data.buffer as ArrayBuffer));
}

async function findScene(id: string): Promise<EmuSceneNode> {
  const node = await figma?.getNodeByIdAsync(id);
  if (!(node instanceof EmuSceneNode)) throw new Error(`no layer ${id}`);
  return node;
}

async function startAsync(msg: Extract<PageToHost, { type: 'start' }>): Promise<void> {
  const images: Record<string, Uint8Array> = {};
  for (const name of SAMPLES) images[name] = new Uint8Array(await (await fetch(`/samples/${name}`)).arrayBuffer());
  const f = new EmulatedFigma({
    command: msg.command,
    relaunchCommands: msg.relaunchCommands,
    pluginId: msg.pluginId,
    hooks: {
      showUI: (_html, options) => post({ type: 'show-ui', width: options.width ?? 300, height: options.height ?? 400 }),
      toUi: (message) => post({ type: 'to-ui', message }),
      resize: (width, height) => post({ type: 'resize-ui', width, height }),
      notify: (message, options) => post({ type: 'notify', message, error: options.error === true }),
      changed: postScene,
    },
  });
  figma = f;
  buildScene(f, images);
  // What Figma provides to a plugin's code: the `figma` global (as strict as Figma's) and `__html__`.
  scope.figma = f.pluginApi;
  scope.__html__ = msg.html;
  codeUrl = msg.codeUrl;
  scope.importScripts(msg.codeUrl);
  f.run();
  postScene();
}

async function handleAsync(msg: PageToHost): Promise<void> {
  switch (msg.type) {
    case 'start':
      return startAsync(msg);
    case 'from-ui':
      figma?.deliverFromUi(msg.message);
      return;
    case 'select': {
      const nodes = await Promise.all(msg.ids.map(findScene));
      if (figma) figma.currentPage.selection = nodes;
      postScene();
      return;
    }
    case 'undo':
      figma?.undo();
      postScene();
      return;
    case 'relaunch':
      // As Figma does: the plugin starts again, with the command of the button that was clicked.
      if (!figma) return;
      figma.relaunch(msg.command);
      scope.importScripts(codeUrl);
      figma.run();
      return;
    case 'export': {
      const node = await findScene(msg.id);
      post({ type: 'reply', requestId: msg.requestId, bytes: await node.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 1 } }) });
      return;
    }
    case 'image-bytes': {
      const node = await findScene(msg.id);
      const paint = node.fills.find((p) => p.type === 'IMAGE');
      const image = paint?.type === 'IMAGE' && paint.imageHash ? figma?.getImageByHash(paint.imageHash) : null;
      post({ type: 'reply', requestId: msg.requestId, bytes: image ? await image.getBytesAsync() : null });
      return;
    }
  }
}

scope.onmessage = (event) => {
  const msg = event.data;
  handleAsync(msg).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if ('requestId' in msg) post({ type: 'reply', requestId: msg.requestId, bytes: null, error: message });
    else post({ type: 'fatal', message });
  });
};
