/**
 * The panel's side of the host boundary: Figma (or the playground) delivers main-thread
 * messages as `{ pluginMessage }` window messages; we validate each one and answer a bad
 * one with an `error` message instead of acting on it.
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
