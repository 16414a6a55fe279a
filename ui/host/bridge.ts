/**
 * The panel's side of the host boundary: Figma (or the playground) delivers main-thread
 * messages as `{ pluginMessage }` window messages from the window that hosts the panel
 * (`parent`); we validate each one and answer a bad one with an `error` message instead of
 * acting on it. A message from any other window (another frame, a window this one opened, or
 * the panel itself) is not the host speaking: it is ignored, unanswered.
 */
import { errorMessage, parsePluginToUi, type PluginToUi, type UiToPlugin } from '../../protocol/messages';

export interface HostBridge {
  send(msg: UiToPlugin, transfer?: Transferable[]): void;
}

export function connectToHost(onMessage: (msg: PluginToUi) => void, onRejected: (reason: string) => void): HostBridge {
  const bridge: HostBridge = {
    send(msg) {
      parent.postMessage({ pluginMessage: msg, pluginId: '*' }, '*');
    },
  };
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent) return; // only the host window speaks for the main thread
    const data = event.data as { pluginMessage?: unknown } | null;
    if (!data || typeof data !== 'object' || !('pluginMessage' in data)) return; // not for us
    let msg: PluginToUi;
    try {
      msg = parsePluginToUi(data.pluginMessage);
    } catch (error) {
      const reason = `panel rejected a message: ${errorMessage(error)}`;
      onRejected(reason);
      bridge.send({ type: 'error', message: reason });
      return;
    }
    onMessage(msg);
  });
  return bridge;
}
