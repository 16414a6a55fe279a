/**
 * Limits shared by the main thread, the UI and the emulator. Figma's own limits are
 * documented (createImage: 4096 px a side; setPluginData: 100 kB; notify: 100 characters); ours are chosen so a
 * single message stays far below what a postMessage can carry comfortably.
 */
export const LIMITS = {
  /** Figma's createImage rejects images larger than this on either side. */
  maxImageSide: 4096,
  /** Figma documents 100 kB for one setPluginData entry: UTF-8 bytes of pluginId + key + value. */
  maxPluginDataBytes: 100_000,
  /** figma.notify shows at most this many characters (the typings: longer messages are truncated). */
  maxNotifyChars: 100,
  /** Base64 characters in one streamed asset chunk. */
  assetChunkChars: 1 << 20,
  /** Bytes of one image travelling in a message (selection bytes, a result). */
  maxImageBytes: 64 << 20,
  /** All result bytes of one apply together (a 16-frame transition at 4096 px fits). */
  maxApplyBytes: 256 << 20,
  /** Characters of a node id (instance sublayer ids grow with nesting: `I1:2;3:4;…`). */
  maxId: 1000,
  /** Layers listed in a `multiple` selection (the panel offers them as a choice). */
  maxListedLayers: 50,
  /** Results written by one apply. */
  maxResults: 32,
  /** Latent vector length in an edit record. */
  maxLatent: 4096,
  /** Characters of a layer name or notification. */
  maxText: 1000,
} as const;
