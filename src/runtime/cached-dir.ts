import type { CallSite } from '../shared/protocol.js'
import type { CachedFixture } from './cached.js'
import type { CachedDirOptions } from './options.js'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { defineFixture, fixtureOf } from './cached.js'
import { forgetFolder, rememberFolderDigest } from './context-inputs.js'
import { copyRoot } from './copy-root.js'
import { removeTree, restoreDir, snapshotDir } from './dir-snapshot.js'

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
  const fill = definition.factory
  definition.factory = async (context: Record<string, unknown>) => {
    const dir = mkdtempSync(join(copyRoot(256 << 20), 'vfc-build-'))
    try {
      await fill({ ...context, dir })
      return snapshotDir(dir, definition.label)
    }
    finally {
      removeTree(dir)
    }
  }
  definition.options.serializer = AS_BYTES as typeof definition.options.serializer
  definition.materialize = (snapshot, valueDigest, onCleanup) => {
    const copy = mkdtempSync(join(copyRoot((snapshot as Buffer).length), `vfc-dir-${(definition.name ?? 'dir').replace(/\W+/g, '_').slice(0, 40)}-`))
    restoreDir(snapshot as Buffer, copy)
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
