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
let scene: Scene = { layers: [], selection: [], undoDepth: 0 };
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

function drawScene(): void {
  const world = $('world');
  world.replaceChildren();
  const right = Math.max(0, ...scene.layers.map((l) => l.x + l.width));
  const bottom = Math.max(0, ...scene.layers.map((l) => l.y + l.height));
  const canvasEl = $('canvas');
  const zoom = Math.min(1, Math.max(0.25, Math.min((canvasEl.clientWidth - 64) / Math.max(1, right), (canvasEl.clientHeight - 64) / Math.max(1, bottom))));
  world.style.width = `${right * zoom}px`;
  world.style.height = `${bottom * zoom}px`;
  for (const layer of scene.layers) {
    const el = document.createElement('div');
    el.className = `layer${scene.selection.includes(layer.id) ? ' selected' : ''}${layer.isResult ? ' result' : ''}`;
    el.dataset.id = layer.id;
    el.dataset.name = layer.name;
    Object.assign(el.style, { left: `${layer.x * zoom}px`, top: `${layer.y * zoom}px`, width: `${layer.width * zoom}px`, height: `${layer.height * zoom}px` });
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
window.addEventListener('resize', drawScene);
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
