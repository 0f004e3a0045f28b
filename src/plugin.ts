// Main-process entry: `import { fixtureCache } from 'vitest-fixture-cache/plugin'`.
export { fixtureCache } from './node/plugin.js'
export type { FixtureCacheOptions } from './node/config.js'
