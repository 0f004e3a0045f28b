import type { CallSite } from '../shared/protocol.js'
import type { CachedFixture } from './cached.js'
import type { CachedDirOptions } from './options.js'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { defineFixture, fixtureOf } from './cached.js'
import { forgetFolder, rememberFolderDigest } from './context-inputs.js'
import { debug } from './debug.js'
import { removeTree } from '../shared/remove-tree.js'
import { snapshotDir } from './dir-snapshot.js'
import { copyOfSnapshot, copyRoot } from './folder-copies.js'

// The snapshot is the stored value, byte for byte.
const AS_BYTES = { serialize: (snapshot: Buffer) => snapshot, deserialize: (bytes: Buffer) => bytes }

/**
 * A cached folder: a seeded database's data dir, a generated repository, a build output. The
 * factory fills `dir`, a fresh empty folder; the folder is stored as a snapshot (contents, modes,
 * links, empty folders) and every use gets its own fresh copy at a temporary path (the fixture's
 * value), removed when the use ends. A test may change its copy freely.
 */
export function cachedDir<C = any>(factory: (context: C & { dir: string }) => unknown, options?: CachedDirOptions<C>): CachedFixture<string>
export function cachedDir(factory: unknown, options?: unknown, site?: CallSite): unknown {
  const definition = defineFixture('cachedDir', factory, options, site)
  definition.around = async (context, run) => {
    const dir = mkdtempSync(join(copyRoot(256 << 20).root, 'vfc-build-'))
    try {
      await run({ ...context, dir })
      // Outside the recording: reading the folder back is ours, not the factory's.
      return { value: snapshotDir(dir, definition.label), ignored: [dir] }
    }
    finally {
      removeTree(dir)
    }
  }
  definition.options.serializer = AS_BYTES as typeof definition.options.serializer
  definition.materialize = (snapshot, valueDigest, onCleanup, runId) => {
    const { path: copy, method } = copyOfSnapshot(snapshot as Buffer, valueDigest, definition.name ?? 'dir', runId)
    debug(`${definition.name}: copy at ${copy} (${method === 'written' ? 'written from the snapshot' : 'cloned from this worker\'s restored copy'})`)
    rememberFolderDigest(copy, valueDigest)
    onCleanup(() => {
      forgetFolder(copy)
      removeTree(copy)
    })
    return copy
  }
  return fixtureOf(definition, dependenciesOnly(site))
}

/**
 * What Vitest reads the fixture's dependencies from: the fixtures the factory destructures, without
 * `dir` (which is ours to give, and which Vitest would report as an unknown fixture).
 */
function dependenciesOnly(site: CallSite | undefined): string {
  return `async ({ ${site?.deps.join(', ') ?? ''} }) => {}`
}
