import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // End-to-end tests run real Vitest processes; each takes a second or two.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Concurrent end-to-end cases mostly wait on their child processes.
    maxConcurrency: 3,
  },
})
