/**
 * The playground page: draws the emulated document, forwards clicks as selection, and
 * hosts dist/ui.html in an iframe the way Figma may: a `data:` URL or a sandboxed `srcdoc`.
 * `window.playground` is the handle the browser tests drive.
 */
import type { HostToPage, PageToHost, Scene } from './protocol';

type Hosting = 'data' | 'srcdoc';
const params = new URLSearchParams(location.search);
const hosting: Hosting = params.get('host') === 'data' ? 'data' : 'srcdoc';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const worker = new Worker('/dist/playground/host-worker.js');
const send = (msg: PageToHost) => worker.postMessage(msg);
let iframe: HTMLIFrameElement | null = null;
let scene: Scene = { layers: [], selection: [], undoDepth: 0, viewportTarget: [] };
/**
 * The emulated viewport: the zoom stays where it is (the whole page fitted once, at the start)
 * until the plugin calls figma.viewport.scrollAndZoomIntoView; then the page zooms to fit those
 * nodes and scrolls them to the middle, as Figma does. Nothing else moves the view.
 */
let zoom: number | null = null;
let shownTarget = '';
let html = '';
const notifications: Array<{ message: string; error: boolean }> = [];
const replies = new Map<number, (bytes: Uint8Array | null, error?: string) => void>();
let requestSeq = 0;
let sceneWaiters: Array<(scene: Scene) => void> = [];

function request(msg: { type: 'export' | 'image-bytes'; id: string }): Promise<Uint8Array | null> {
  const requestId = ++requestSeq;
  return new Promise((resolve, reject) => {
    replies.set(requestId, (bytes, error) => (error ? reject(new Error(error)) : resolve(bytes)));
    send({ ...msg, requestId });
  });
}

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function showUi(width: number, height: number): void {
  iframe?.remove();
  iframe = document.createElement('iframe');
  iframe.width = String(width);
  iframe.height = String(height);
  iframe.title = 'Manifold panel';
  if (hosting === 'srcdoc') {
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.srcdoc = html;
  } else {
    iframe.src = `data:text/html;base64,${utf8ToBase64(html)}`;
  }
  $('ui-slot').appendChild(iframe);
}

const ZOOM_RANGE = [0.25, 1] as const;

/** The zoom at which a box fits the canvas with a margin (Figma zooms in too; the playground stops at 100 %). */
function fitZoom(width: number, height: number): number {
  const canvasEl = $('canvas');
  const z = Math.min((canvasEl.clientWidth - 64) / Math.max(1, width), (canvasEl.clientHeight - 64) / Math.max(1, height));
  return Math.min(ZOOM_RANGE[1], Math.max(ZOOM_RANGE[0], z));
}

function drawScene(): void {
  const world = $('world');
  world.replaceChildren();
  const right = Math.max(0, ...scene.layers.map((l) => l.x + l.width));
  const bottom = Math.max(0, ...scene.layers.map((l) => l.y + l.height));
  const canvasEl = $('canvas');
  if (zoom === null && scene.layers.length) zoom = fitZoom(right, bottom);
  const targetKey = scene.viewportTarget.join(',');
  const target = scene.layers.filter((l) => scene.viewportTarget.includes(l.id));
  const newTarget = targetKey !== shownTarget && target.length > 0;
  let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
  if (newTarget) {
    shownTarget = targetKey;
    box = { x0: Math.min(...target.map((l) => l.x)), y0: Math.min(...target.map((l) => l.y)), x1: Math.max(...target.map((l) => l.x + l.width)), y1: Math.max(...target.map((l) => l.y + l.height)) };
    zoom = fitZoom(box.x1 - box.x0, box.y1 - box.y0);
  }
  const z = zoom ?? 1;
  world.dataset.zoom = String(z);
  world.style.width = `${right * z}px`;
  world.style.height = `${bottom * z}px`;
  for (const layer of scene.layers) {
    const el = document.createElement('div');
    el.className = `layer${scene.selection.includes(layer.id) ? ' selected' : ''}${layer.isResult ? ' result' : ''}`;
    el.dataset.id = layer.id;
    el.dataset.name = layer.name;
    Object.assign(el.style, { left: `${layer.x * z}px`, top: `${layer.y * z}px`, width: `${layer.width * z}px`, height: `${layer.height * z}px` });
    const canvas = document.createElement('canvas');
    canvas.width = layer.pixels.width;
    canvas.height = layer.pixels.height;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(layer.pixels.data), layer.pixels.width, layer.pixels.height), 0, 0);
    const label = document.createElement('div');
    label.className = 'label';
    label.textContent = layer.name;
    el.append(label, canvas);
    el.addEventListener('click', (event) => {
      event.stopPropagation();
      const ids = event.shiftKey ? [...new Set([...scene.selection, layer.id])] : [layer.id];
      send({ type: 'select', ids });
    });
    world.appendChild(el);
  }
  ($('download') as HTMLButtonElement).disabled = scene.selection.length !== 1;
  ($('undo') as HTMLButtonElement).disabled = scene.undoDepth === 0;
  const selected = scene.selection.length === 1 ? scene.layers.find((l) => l.id === scene.selection[0]) : undefined;
  ($('relaunch') as HTMLButtonElement).disabled = !selected?.relaunch.includes('edit');
  if (box) {
    // Scroll the target's middle to the canvas's middle (the world sits at a 32 px margin).
    const margin = 32;
    canvasEl.scrollLeft = margin + ((box.x0 + box.x1) / 2) * z - canvasEl.clientWidth / 2;
    canvasEl.scrollTop = margin + ((box.y0 + box.y1) / 2) * z - canvasEl.clientHeight / 2;
  }
}

let toastTimer = 0;
function toast(message: string, error: boolean): void {
  notifications.push({ message, error });
  const el = $('toast');
  el.textContent = message;
  el.className = `toast show${error ? ' error' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.className = 'toast'), 3000);
}

worker.onmessage = (event: MessageEvent<HostToPage>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'show-ui':
      return showUi(msg.width, msg.height);
    case 'resize-ui':
      if (iframe) {
        iframe.width = String(msg.width);
        iframe.height = String(msg.height);
      }
      return;
    case 'to-ui':
      iframe?.contentWindow?.postMessage({ pluginMessage: msg.message }, '*');
      return;
    case 'scene':
      scene = msg.scene;
      drawScene();
      sceneWaiters.forEach((w) => w(scene));
      sceneWaiters = [];
      return;
    case 'notify':
      return toast(msg.message, msg.error);
    case 'reply':
      replies.get(msg.requestId)?.(msg.bytes, msg.error);
      replies.delete(msg.requestId);
      return;
    case 'fatal':
      return toast(`Playground error: ${msg.message}`, true);
  }
};

window.addEventListener('message', (event) => {
  if (!iframe || event.source !== iframe.contentWindow) return;
  const data = event.data as { pluginMessage?: unknown } | null;
  if (data && typeof data === 'object' && 'pluginMessage' in data) send({ type: 'from-ui', message: data.pluginMessage });
});

$('canvas').addEventListener('click', () => send({ type: 'select', ids: [] }));
$('undo').addEventListener('click', () => send({ type: 'undo' }));
$('relaunch').addEventListener('click', () => send({ type: 'relaunch', command: 'edit' }));
$('download').addEventListener('click', async () => {
  const id = scene.selection[0];
  const bytes = id ? await request({ type: 'export', id }) : null;
  if (!bytes) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'image/png' }));
  a.download = `${scene.layers.find((l) => l.id === id)?.name ?? 'layer'}.png`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});
window.addEventListener('keydown', (event) => {
  if ((event.metaKey || event.ctrlKey) && event.key === 'z') send({ type: 'undo' });
});
window.addEventListener('resize', drawScene); // the zoom stays (as in Figma): only the visible area changes
const select = $('hosting') as HTMLSelectElement;
select.value = hosting;
select.addEventListener('change', () => {
  location.search = `?host=${select.value}`;
});
$('hosting-label').textContent = hosting === 'data' ? 'data: URL' : 'srcdoc';

async function startAsync(): Promise<void> {
  html = await (await fetch('/dist/ui.html')).text();
  const manifest = (await (await fetch('/manifest.json')).json()) as { id: string; relaunchButtons?: Array<{ command: string }> };
  send({ type: 'start', html, codeUrl: '/dist/code.js', command: params.get('command') ?? '', relaunchCommands: (manifest.relaunchButtons ?? []).map((b) => b.command), pluginId: manifest.id });
}

/** For tests and the console. */
const playground = {
  hosting,
  scene: () => scene,
  /** The emulated viewport's zoom (1 = 100 %). */
  zoom: () => zoom,
  notifications,
  nextScene: () => new Promise<Scene>((resolve) => sceneWaiters.push(resolve)),
  select(name: string): void {
    const layer = scene.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`no layer named ${name}`);
    send({ type: 'select', ids: [layer.id] });
  },
  undo: () => send({ type: 'undo' }),
  /** Clicks the selected layer's relaunch button (manifest relaunchButtons command). */
  relaunch: (command = 'edit') => send({ type: 'relaunch', command }),
  /** The bytes of a layer's image fill, as an array (for comparing before/after). */
  imageBytes: async (id: string) => Array.from((await request({ type: 'image-bytes', id })) ?? []),
  exportPng: async (id: string) => Array.from((await request({ type: 'export', id })) ?? []),
};
(window as unknown as { playground: typeof playground }).playground = playground;
startAsync().catch((error: unknown) => toast(`Playground failed to start: ${String(error)}`, true));
