// Worker entry: `import { cached } from 'vitest-fixture-cache'`.
export { cached } from './runtime/cached.js'
export { cachedDir } from './runtime/cached-dir.js'
export { cachedValue } from './runtime/cached-value.js'
export type { CachedFixture, ScopedCachedFixture } from './runtime/cached.js'
export { CachedFixtureError } from './runtime/errors.js'
export type { CachedDirOptions, CachedDirValueOptions, CachedOptions, CachedValueOptions, KeyValue, Serializer } from './runtime/options.js'
export { fixtureCacheEvents } from './runtime/events.js'
export type { FixtureEvent } from './shared/protocol.js'
