// Worker entry: `import { cached } from 'vitest-fixture-cache'`.
export { cached } from './runtime/cached.js'
export type { CachedFixture } from './runtime/cached.js'
export { CachedFixtureError } from './runtime/errors.js'
export type { CachedOptions, KeyValue, Serializer } from './runtime/options.js'
export { fixtureCacheEvents } from './runtime/events.js'
export type { FixtureEvent } from './shared/protocol.js'
