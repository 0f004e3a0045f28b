import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'

export default defineConfig({
  plugins: [fixtureCache()],
})
