/**
 * The engine worker of test/engine/gpu-lost.browser.test.ts: the panel's engine (installEngineWorker)
 * plus one test-only message, `{ destroyGpu: true }`, which destroys the GPUDevice onnxruntime-web
 * runs on — what a driver reset or a GPU process crash does to a running edit.
 */
import * as ort from 'onnxruntime-web';
import { installEngineWorker, type WorkerScopeLike } from '../../engine/worker/install-engine-worker';

const scope = self as unknown as WorkerScopeLike;
installEngineWorker(scope);
scope.addEventListener('message', (e) => {
  if (!(e.data as { destroyGpu?: boolean } | null)?.destroyGpu) return;
  void (async () => {
    const device = (await Promise.resolve((ort.env.webgpu as { device?: unknown }).device)) as { destroy(): void } | undefined;
    device?.destroy();
    scope.postMessage({ destroyed: !!device }, []);
  })();
});
