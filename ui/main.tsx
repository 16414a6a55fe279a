/**
 * Panel bootstrap: connect to the host, start the compute worker, probe capabilities,
 * receive the streamed assets, and draw the store with Preact.
 */
import { render } from 'preact';
import workerSource from 'manifold:engine-worker';
import { errorMessage, PROTOCOL_VERSION, type PluginToUi } from '../protocol/messages';
import { probeCapabilitiesAsync } from './capabilities';
import { App } from './components/app';
import { AssetReceiver } from './host/assets';
import { connectToHost } from './host/bridge';
import { createStore } from './state/store';
import { EngineClient } from './worker/client';
import './styles.css';

const store = createStore();
const engine = new EngineClient(workerSource);
let receiver: AssetReceiver | null = null;
let requestSeq = 0;

async function handleAsync(msg: PluginToUi): Promise<void> {
  switch (msg.type) {
    case 'init':
      receiver = new AssetReceiver(msg.assets);
      store.dispatch({ type: 'init', command: msg.command, assets: msg.assets });
      return;
    case 'asset-chunk': {
      if (!receiver) throw new Error('asset chunk before init');
      const bytes = await receiver.addAsync(msg.name, msg.index, msg.data);
      if (!bytes) return;
      store.dispatch({ type: 'asset-received', name: msg.name });
      if (receiver.done.size === receiver.expected) {
        // Hand the worker its own copies; the panel keeps the originals in memory.
        const copies = Object.fromEntries([...receiver.done].map(([name, b]) => [name, b.slice()]));
        await engine.request({ type: 'assets', assets: copies }, Object.values(copies).map((b) => b.buffer));
      }
      return;
    }
    case 'selection':
      store.dispatch({ type: 'selection', selection: msg.selection });
      return;
    case 'applied':
      store.dispatch({ type: 'applied', requestId: msg.requestId, nodeIds: msg.nodeIds });
      return;
    case 'error':
      if (msg.requestId) store.dispatch({ type: 'apply-failed', requestId: msg.requestId, message: msg.message });
      else store.dispatch({ type: 'error', message: msg.message });
      return;
  }
}

const host = connectToHost(
  (msg) => {
    handleAsync(msg).catch((error) => {
      const message = errorMessage(error);
      if (msg.type === 'asset-chunk') store.dispatch({ type: 'assets-failed', error: message });
      else store.dispatch({ type: 'error', message });
    });
  },
  (reason) => store.dispatch({ type: 'error', message: reason }),
);

/** Before the engine exists, Apply round-trips the selected image through the worker. */
async function applyAsync(): Promise<void> {
  const sel = store.get().selection;
  if (sel?.kind !== 'image') return;
  const image = sel.image;
  const requestId = `apply-${++requestSeq}`;
  store.dispatch({ type: 'apply-start', requestId });
  try {
    const result = await engine.request({ type: 'roundtrip', bytes: image.bytes.slice(), mime: image.mime });
    host.send({
      type: 'apply',
      requestId,
      sourceNodeId: image.nodeId,
      group: false,
      results: [
        {
          name: `${image.name} · Manifold round trip`,
          bytes: result.bytes,
          width: result.width,
          height: result.height,
          record: { v: 1, packId: 'none', latent: [], latent0: [], constraints: { kind: 'roundtrip' }, source: { nodeId: image.nodeId, name: image.name }, createdAt: Date.now() },
        },
      ],
    });
  } catch (error) {
    store.dispatch({ type: 'apply-failed', requestId, message: errorMessage(error) });
  }
}

const root = document.getElementById('app')!;
const draw = () => render(<App state={store.get()} onApply={() => void applyAsync()} />, root);
store.subscribe(draw);
draw();

probeCapabilitiesAsync().then((caps) => store.dispatch({ type: 'caps', caps }));
host.send({ type: 'ready', protocol: PROTOCOL_VERSION });
