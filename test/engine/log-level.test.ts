/**
 * onnxruntime-web's warnings (which nodes WebGPU leaves to the CPU, 4 per start) reach a browser's
 * console through console.error: the runtime and every session are set to log errors only
 * (issue 16, item 7). The browser side: test/browser/playground.test.ts counts console errors.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { fsPackSource } from '../../engine/node/fs-pack-source';
import { PACK_DIR } from './pack-dir';

describe('onnxruntime log level', () => {
  it('the runtime logs errors only, and every session is made with severity 3 (error)', async () => {
    const severities: unknown[] = [];
    const engine = await Engine.createAsync(fsPackSource(PACK_DIR), {
      numThreads: 1,
      runtimeHooks: {
        createSessionAsync: (graph, options) => {
          severities.push(options.logSeverityLevel);
          return ort.InferenceSession.create(graph, options);
        },
      },
    });
    try {
      expect(ort.env.logLevel).toBe('error');
      expect(severities).toEqual([3, 3, 3, 3]);
    } finally {
      await engine.releaseAsync();
    }
  }, 60_000);
});
