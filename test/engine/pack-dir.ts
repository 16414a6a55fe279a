/**
 * The one place engine tests take their model pack from. Switch PACK_DIR to REAL_PACK_DIR to run
 * the behaviour tests on the real pack (the quality thresholds live in real-pack.test.ts).
 */
import type { PackSource } from '../../engine/pack/pack-source.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';

export const PACK_DIR = 'test/fixtures/packs/tiny';
/** The default pack (MANIFOLD_REAL_PACK overrides it, e.g. to dry-run real-pack.test.ts on another pack). */
export const REAL_PACK_DIR = process.env.MANIFOLD_REAL_PACK ?? 'models/personas64-v2';

export function testPackSource(dir = PACK_DIR): PackSource {
  return fsPackSource(dir);
}
