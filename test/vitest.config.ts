import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The end-to-end suite runs once per cell of the compatibility matrix.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/helpers/remote-setup.ts'] } },
      { extends: true, test: { name: 'vitest4-node20', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/remote-setup.ts'] } },
      { extends: true, test: { name: 'vitest5-node22', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/remote-setup.ts'] } },
    ],
    // End-to-end tests run real Vitest processes; each takes a second or two.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Concurrent end-to-end cases mostly wait on their child processes; two files at a time even on
    // two cores (Vitest's default there is one): measured 9.4 min against 13.3 for the whole suite.
    maxConcurrency: 3,
    maxWorkers: 2,
  },
})
