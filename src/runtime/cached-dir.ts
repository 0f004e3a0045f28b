import type { CallSite } from '../shared/protocol.js'
import type { CachedFixture, ScopedCachedFixture } from './cached.js'
import type { FixtureDefinition } from './definition.js'
import type { CachedDirOptions, CachedDirValueOptions } from './options.js'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { removeTree } from '../shared/remove-tree.js'
import { defineFixture, fixtureOf } from './cached.js'
import { forgetFolder, rememberFolderDigest } from './context-inputs.js'
import { debug } from './debug.js'
import { CachedFixtureError } from './errors.js'
import { snapshotDir } from './dir-snapshot.js'
import { copyOfSnapshot, copyRoot } from './folder-copies.js'
import { validateOptions } from './options.js'
import { provideValue } from './provide-value.js'

// The snapshot is the stored value, byte for byte.
const AS_BYTES = { serialize: (snapshot: Buffer) => snapshot, deserialize: (bytes: Buffer) => bytes }

/**
 * A cached folder: a seeded database's data dir, a generated repository, a build output. The
 * factory fills `dir`, a fresh empty folder; the folder is stored as a snapshot (contents, modes,
 * links, empty folders) and every use gets its own fresh copy at a temporary path (the fixture's
 * value), removed when the use ends. A test may change its copy freely.
 *
 * `cachedDir('name', factory, options?)` is its twin for code outside `test.extend` (a test
 * file's top level, hooks, setup files, `globalSetup`), like `cachedValue`: each call resolves to a
 * fresh copy of its own, removed when the run ends.
 */
export function cachedDir<C = any>(factory: (context: C & { dir: string }) => unknown, options?: CachedDirOptions<C> & { scope?: 'test' }): CachedFixture<string, C>
export function cachedDir<C = any>(factory: (context: C & { dir: string }) => unknown, options: CachedDirOptions<C>): ScopedCachedFixture<string, C>
export function cachedDir(name: string, factory: (context: { dir: string }) => unknown, options?: CachedDirValueOptions): Promise<string>
export function cachedDir(first: unknown, second?: unknown, third?: unknown, fourth?: unknown): unknown {
  if (typeof first === 'string') return folderNamed(first, second, third, fourth as CallSite | undefined)
  const site = third as CallSite | undefined
  const definition = asFolder(defineFixture('cachedDir', first, second, site), false)
  return fixtureOf(definition, dependenciesOnly(site))
}

/** The imperative twin: named by its argument, no fixtures, the copy kept until the run ends. */
async function folderNamed(name: string, factory: unknown, options: unknown, site: CallSite | undefined): Promise<unknown> {
  const where = site ? ` (${site.file})` : ''
  if (!name) throw new CachedFixtureError(`cachedDir()${where}: the name must be a non-empty string`)
  const label = `"${name}"${where}`
  const validated = validateOptions(factory, options, label, 'cachedDirValue')
  if (site && site.name !== name) {
    throw new CachedFixtureError(`cachedDir() ${label}: write the name as a string literal (cachedDir('${name}', …)), so the plugin can tell the folder's code apart`)
  }
  const definition = asFolder({ name, label, factory: factory as FixtureDefinition['factory'], options: validated, site }, true)
  return provideValue(definition, {})
}

/** Makes a definition build a folder and hand each use a copy of it. */
function asFolder(definition: FixtureDefinition, untilRunEnd: boolean): FixtureDefinition {
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
    const { path: copy, method } = copyOfSnapshot(snapshot as Buffer, valueDigest, definition.name ?? 'dir', runId, untilRunEnd)
    debug(`${definition.name}: copy at ${copy} (${method === 'written' ? 'written from the snapshot' : 'cloned from this worker\'s restored copy'})`)
    rememberFolderDigest(copy, valueDigest)
    onCleanup(() => {
      forgetFolder(copy)
      removeTree(copy)
    })
    return copy
  }
  return definition
}

/**
 * What Vitest reads the fixture's dependencies from: the fixtures the factory destructures, without
 * `dir` (which is ours to give, and which Vitest would report as an unknown fixture).
 */
function dependenciesOnly(site: CallSite | undefined): string {
  return `async ({ ${site?.deps.join(', ') ?? ''} }) => {}`
}
