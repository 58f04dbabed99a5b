import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Lab and integration tests use network namespaces and fixed peers: run files one at a time.
    fileParallelism: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.dxgw/test-results.json' }]] : ['default'],
  },
});
