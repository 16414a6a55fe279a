/** Messages between the playground page and its host worker (the emulated Figma). */

export interface SceneLayer {
  id: string;
  name: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The layer rendered by the emulator at `scale`. */
  pixels: { width: number; height: number; data: Uint8ClampedArray };
  isResult: boolean;
  /** setRelaunchData commands of the layer. */
  relaunch: string[];
}

export interface Scene {
  layers: SceneLayer[];
  selection: string[];
  undoDepth: number;
  /** The nodes of the plugin's last figma.viewport.scrollAndZoomIntoView call (the page brings them into view). */
  viewportTarget: string[];
}

export type PageToHost =
  | { type: 'start'; html: string; codeUrl: string; command: string; relaunchCommands: string[]; pluginId: string }
  | { type: 'from-ui'; message: unknown }
  | { type: 'select'; ids: string[] }
  | { type: 'undo' }
  /** The user clicks a relaunch button of the selected layer (e.g. "Edit with Manifold"). */
  | { type: 'relaunch'; command: string }
  | { type: 'export'; requestId: number; id: string }
  | { type: 'image-bytes'; requestId: number; id: string };

export type HostToPage =
  | { type: 'show-ui'; width: number; height: number }
  | { type: 'resize-ui'; width: number; height: number }
  | { type: 'to-ui'; message: unknown }
  | { type: 'scene'; scene: Scene }
  | { type: 'notify'; message: string; error: boolean }
  | { type: 'reply'; requestId: number; bytes: Uint8Array | null; error?: string }
  | { type: 'fatal'; message: string };
