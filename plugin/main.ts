/**
 * The main thread: opens the panel, streams the embedded binaries to it, keeps it told
 * about the selection, and writes results. Every incoming message is validated; a bad one
 * is answered with an `error` message and never throws out of the handler. Every outgoing
 * message is validated too (the panel would reject it): one that fails is replaced by an
 * `error`. Nothing in a message is ever evaluated; the document is written only by an
 * `apply` (result layers and their plugin data) and `select` (the selection).
 */
import { errorMessage, parsePluginToUi, parseUiToPlugin, PROTOCOL_VERSION, type AssetInfo, type PluginToUi, type UiToPlugin } from '../protocol/messages';
import { LIMITS } from '../protocol/limits';
import type { HostApi } from './host';
import { fitNotification } from './notification';
import { readSelectionAsync } from './read-selection';
import { CancelledError, writeResultsAsync } from './write-results';

/** An asset as embedded by scripts/build.ts: gzip bytes as base64. */
export interface EmbeddedAsset extends AssetInfo {
  data: string;
}

/** The requestId of a message that failed validation, when it carried a usable one. */
export function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('requestId' in raw)) return undefined;
  const id = (raw as { requestId: unknown }).requestId;
  return typeof id === 'string' && id.length > 0 && id.length <= LIMITS.maxId ? id : undefined;
}

export const UI_SIZE = { width: 360, height: 720 };
/** What the panel's resize handle may ask for (`resize`). */
export const UI_MIN = { width: 300, height: 360 };
export const UI_MAX = { width: 1200, height: 1400 };

export function startPlugin(host: HostApi, html: string, assets: ReadonlyArray<EmbeddedAsset>, chunkChars = 1 << 20): void {
  let selectionSeq = 0;
  let ready = false;
  let closed = false;
  /** Applies received but not yet written: requestId → withdrawn? */
  const pending = new Map<string, { cancelled: boolean }>();
  /** Layers written by this run: the panel is told when an Undo removed them (it says so). */
  const written = new Set<string>();

  function post(msg: PluginToUi): void {
    if (closed) return;
    let checked: PluginToUi = msg;
    try {
      parsePluginToUi(msg);
    } catch (error) {
      const requestId = 'requestId' in msg ? msg.requestId : undefined;
      checked = { type: 'error', ...(requestId ? { requestId } : {}), message: `main thread produced an invalid ${msg.type} message: ${errorMessage(error)}`.slice(0, 5000) };
    }
    host.ui.postMessage(checked);
  }

  async function sendSelectionAsync(): Promise<void> {
    const seq = ++selectionSeq;
    const removed: string[] = [];
    for (const id of written) {
      const node = await host.getNodeByIdAsync(id);
      if (!node || node.removed) removed.push(id);
    }
    if (removed.length) {
      removed.forEach((id) => written.delete(id));
      post({ type: 'removed', nodeIds: removed });
    }
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

  async function applyAsync(msg: Extract<UiToPlugin, { type: 'apply' }>): Promise<void> {
    if (pending.has(msg.requestId)) {
      post({ type: 'error', requestId: msg.requestId, message: `apply ${msg.requestId} is already being written` });
      return;
    }
    const state = { cancelled: false };
    pending.set(msg.requestId, state);
    try {
      const { nodeIds, notes } = await writeResultsAsync(host, msg, () => state.cancelled || closed);
      nodeIds.forEach((id) => written.add(id));
      post({ type: 'applied', requestId: msg.requestId, nodeIds, ...(notes.length ? { notes: notes.map((n) => n.slice(0, LIMITS.maxText)) } : {}) });
    } catch (error) {
      // The full reason goes to the panel with the error reply; the notification is cut to fit.
      if (!(error instanceof CancelledError) && !closed) host.notify(fitNotification(`Manifold could not add the result: ${errorMessage(error)}`), { error: true });
      post({ type: 'error', requestId: msg.requestId, message: errorMessage(error) });
    } finally {
      pending.delete(msg.requestId);
    }
  }

  async function selectAsync(nodeId: string): Promise<void> {
    const node = host.currentPage.selection.find((n) => n.id === nodeId) ?? (await host.getNodeByIdAsync(nodeId));
    const onPage = node && !node.removed && host.currentPage.selection.includes(node as never);
    if (!onPage) {
      post({ type: 'error', message: `select: layer ${nodeId} is not among the selected layers any more` });
      return sendSelectionAsync();
    }
    host.currentPage.selection = [node as never]; // selectionchange then sends the new selection
  }

  async function handleAsync(msg: UiToPlugin): Promise<void> {
    switch (msg.type) {
      case 'ready':
        ready = true;
        sendAssets();
        return sendSelectionAsync();
      case 'apply':
        return applyAsync(msg);
      case 'cancel': {
        const state = pending.get(msg.requestId);
        if (state) state.cancelled = true; // its apply answers: "Cancelled: nothing was added."
        else post({ type: 'error', requestId: msg.requestId, message: `cancel: apply ${msg.requestId} is not waiting to be written (already added — Undo removes it — or never sent)` });
        return;
      }
      case 'select':
        return selectAsync(msg.nodeId);
      case 'notify':
        // The panel shows its own message in full; Figma shows 100 characters of it.
        host.notify(fitNotification(msg.message), { error: msg.error === true });
        return;
      case 'resize':
        host.ui.resize(Math.min(UI_MAX.width, Math.max(UI_MIN.width, msg.width)), Math.min(UI_MAX.height, Math.max(UI_MIN.height, msg.height)));
        return;
      case 'error':
        console.warn(`Manifold panel reported: ${msg.message}`);
        return;
      case 'close':
        closed = true;
        host.closePlugin();
        return;
    }
  }

  host.showUI(html, { ...UI_SIZE, themeColors: true, title: 'Manifold' });
  host.ui.onmessage = (raw: unknown) => {
    if (closed) return;
    let msg: UiToPlugin;
    try {
      msg = parseUiToPlugin(raw);
    } catch (error) {
      // A rejected apply (or cancel) is answered under its requestId, or the panel would wait on it.
      const requestId = requestIdOf(raw);
      post({ type: 'error', ...(requestId ? { requestId } : {}), message: `main thread rejected a message: ${errorMessage(error)}` });
      return;
    }
    handleAsync(msg).catch((error) => post({ type: 'error', ...('requestId' in msg ? { requestId: msg.requestId } : {}), message: errorMessage(error) }));
  };
  const onSelection = () => {
    if (ready && !closed) sendSelectionAsync().catch((error) => post({ type: 'error', message: errorMessage(error) }));
  };
  host.on('selectionchange', onSelection);
  host.on('currentpagechange', onSelection);
  host.on('close', () => {
    closed = true;
    for (const state of pending.values()) state.cancelled = true;
  });
}
