/** Keys and commands under which results are marked (plugin data, relaunch button). */
export const EDIT_RECORD_KEY = 'manifold.edit';
/** Must match a `relaunchButtons` command in manifest.json. */
export const RELAUNCH_COMMAND = 'edit';
export const RELAUNCH_DESCRIPTION = 'Made with Manifold: open it again to keep editing';
