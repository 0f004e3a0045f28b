import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'

// Three suite shapes that build their expensive state outside `test.extend`, one project each
// (`npm run demo:shapes` runs them one at a time: `vitest run --project before-all`).
export default defineConfig({
  plugins: [fixtureCache()],
  test: {
    projects: [
      { extends: true, test: { name: 'before-all', include: ['test/before-all/*.test.ts'] } },
      { extends: true, test: { name: 'global-setup', include: ['test/global-setup/*.test.ts'], globalSetup: ['./test/global-setup/setup.ts'] } },
      { extends: true, test: { name: 'read-only-index', include: ['test/read-only-index/*.test.ts'] } },
    ],
  },
})
