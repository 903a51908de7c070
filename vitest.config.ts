import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // OpenCV and onnxruntime are native addons: run test files in child processes, not threads.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
  },
});
