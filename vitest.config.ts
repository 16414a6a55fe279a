import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests start Chromium and stream ~10 MB of assets into the panel; the machine
    // may be shared with a training job, so be generous.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // At most two test files at once: the machine has 2 cores and browser tests start Chromium.
    maxWorkers: 2,
  },
});
