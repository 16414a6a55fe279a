/**
 * The main thread: opens the panel, streams the embedded binaries to it, keeps it told
 * about the selection, and writes results. Every incoming message is validated; a bad one
 * is answered with an `error` message and never throws out of the handler.
 */
import { errorMessage, parseUiToPlugin, PROTOCOL_VERSION, type AssetInfo, type PluginToUi, type UiToPlugin } from '../protocol/messages';
import type { HostApi } from './host';
import { readSelectionAsync } from './read-selection';
import { writeResultsAsync } from './write-results';

/** An asset as embedded by scripts/build.ts: gzip bytes as base64. */
export interface EmbeddedAsset extends AssetInfo {
  data: string;
}

export const UI_SIZE = { width: 340, height: 560 };

export function startPlugin(host: HostApi, html: string, assets: ReadonlyArray<EmbeddedAsset>, chunkChars = 1 << 20): void {
  const post = (msg: PluginToUi) => host.ui.postMessage(msg);
  let selectionSeq = 0;
  let ready = false;

  async function sendSelectionAsync(): Promise<void> {
    const seq = ++selectionSeq;
    const selection = await readSelectionAsync(host);
    if (seq === selectionSeq) post({ type: 'selection', selection }); // a newer change supersedes this one
  }

  function sendAssets(): void {
    const infos: AssetInfo[] = assets.map(({ data, ...info }) => ({ ...info, chunks: Math.ceil(data.length / chunkChars) }));
    post({ type: 'init', protocol: PROTOCOL_VERSION, command: host.command ?? '', assets: infos });
    for (const asset of assets) {
      for (let index = 0; index * chunkChars < asset.data.length; index++) {
        post({ type: 'asset-chunk', name: asset.name, index, data: asset.data.slice(index * chunkChars, (index + 1) * chunkChars) });
      }
    }
  }

  async function handleAsync(msg: UiToPlugin): Promise<void> {
    switch (msg.type) {
      case 'ready':
        ready = true;
        sendAssets();
        return sendSelectionAsync();
      case 'apply':
        try {
          const nodeIds = await writeResultsAsync(host, msg);
          post({ type: 'applied', requestId: msg.requestId, nodeIds });
        } catch (error) {
          host.notify(`Manifold could not add the result: ${errorMessage(error)}`, { error: true });
          post({ type: 'error', requestId: msg.requestId, message: errorMessage(error) });
        }
        return;
      case 'notify':
        host.notify(msg.message, { error: msg.error === true });
        return;
      case 'error':
        console.warn(`Manifold panel reported: ${msg.message}`);
        return;
      case 'close':
        host.closePlugin();
        return;
    }
  }

  host.showUI(html, { ...UI_SIZE, themeColors: true, title: 'Manifold' });
  host.ui.onmessage = (raw: unknown) => {
    let msg: UiToPlugin;
    try {
      msg = parseUiToPlugin(raw);
    } catch (error) {
      post({ type: 'error', message: `main thread rejected a message: ${errorMessage(error)}` });
      return;
    }
    handleAsync(msg).catch((error) => post({ type: 'error', message: errorMessage(error) }));
  };
  host.on('selectionchange', () => {
    if (ready) sendSelectionAsync().catch((error) => post({ type: 'error', message: errorMessage(error) }));
  });
}
