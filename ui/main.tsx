/**
 * Panel bootstrap: connect to the host, start the compute worker, probe capabilities,
 * receive the streamed assets (handed to the worker, which starts the engine on them — or,
 * where only the panel has WebGPU, gives copies back for the engine the panel then hosts
 * itself: see ui/engine-host/choose-host.ts chooseEngineHost), and draw the store with Preact.
 */
import { render } from 'preact';
import workerSource from 'manifold:engine-worker';
import { errorMessage, PROTOCOL_VERSION, type PluginToUi } from '../protocol/messages';
import { probeCapabilitiesAsync, type Capabilities } from './capabilities';
import { App } from './components/app';
import { createController } from './controller';
import { friendlyError } from './friendly-error';
import { AssetReceiver } from './host/assets';
import { isNeededAsset } from './host/needed-assets';
import { connectToHost } from './host/bridge';
import { createStore } from './state/store';
import { ComputeWorker } from './worker/client';
import './styles.css';

const store = createStore();
const worker = new ComputeWorker(workerSource);
let receiver: AssetReceiver | null = null;
/** The capabilities once probed: until then every streamed asset is received. */
let capsNow: Capabilities | null = null;
const capsReady = probeCapabilitiesAsync().then((caps) => {
  capsNow = caps;
  store.dispatch({ type: 'caps', caps });
  return caps;
});
let engineStarted = false;

/** Once every asset the engine needs here is in (ui/host/needed-assets.ts): hands them to the worker and starts it. */
async function startEngineWhenReadyAsync(): Promise<void> {
  const caps = await capsReady; // the engine's backend choice reads the capabilities
  const r = receiver;
  if (!r || engineStarted) return;
  const needed = r.assets.filter((a) => isNeededAsset(a, caps));
  if (!needed.every((a) => r.done.has(a.name))) return;
  engineStarted = true;
  for (const a of r.assets) {
    if (needed.includes(a)) continue;
    r.drop(a.name);
    store.dispatch({ type: 'asset-received', name: a.name }); // not needed here: counts as in
  }
  // The worker gets the bytes (moved, not copied: the panel keeps no second copy).
  const all = Object.fromEntries(r.done);
  r.done.clear();
  const names = Object.keys(all);
  await worker.request({ type: 'assets', assets: all }, { transfer: Object.values(all).map((b) => b.buffer) });
  controller.assetsReady(names);
}

async function handleAsync(msg: PluginToUi): Promise<void> {
  switch (msg.type) {
    case 'init':
      receiver = new AssetReceiver(msg.assets);
      engineStarted = false;
      store.dispatch({ type: 'init', command: msg.command, assets: msg.assets });
      return;
    case 'asset-chunk': {
      if (!receiver) throw new Error('asset chunk before init');
      const info = receiver.assets.find((a) => a.name === msg.name);
      if (info && capsNow && !isNeededAsset(info, capsNow)) return receiver.drop(msg.name); // unread
      const bytes = await receiver.addAsync(msg.name, msg.index, msg.data);
      if (!bytes) return;
      store.dispatch({ type: 'asset-received', name: msg.name });
      return startEngineWhenReadyAsync();
    }
    default:
      return controller.handlePluginMessage(msg);
  }
}

const host = connectToHost(
  (msg) => {
    handleAsync(msg).catch((error) => {
      const message = errorMessage(error);
      if (msg.type === 'asset-chunk') store.dispatch({ type: 'assets-failed', error: friendlyError('load', message) });
      else store.dispatch({ type: 'error', message });
    });
  },
  (reason) => store.dispatch({ type: 'error', message: reason }),
);
const controller = createController(store, worker, host);

const root = document.getElementById('app')!;
const draw = () => render(<App state={store.get()} controller={controller} dispatch={store.dispatch} />, root);
let queued = false;
store.subscribe(() => {
  // Streamed candidates can arrive faster than frames: draw once per animation frame.
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    draw();
  });
});
draw();

host.send({ type: 'ready', protocol: PROTOCOL_VERSION });
