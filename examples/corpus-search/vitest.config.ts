import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'

export default defineConfig({
  plugins: [fixtureCache()],
  test: {
    // A cold build counts against the timeout of the first test that uses the fixture.
    testTimeout: 60_000,
  },
})
