import type { FixtureStore, StoredEntry } from '../store/fixture-store.js'
import { existsSync } from 'node:fs'
import { FORMAT_VERSION } from '../shared/key.js'
import { byCodeUnits } from '../shared/order.js'
import { openStore } from '../store/open-store.js'
import { prune as pruneStore, totalBytes } from '../store/prune.js'
import { formatBytes, parseBytes, parseDuration } from '../shared/units.js'
import { table, UsageError } from './format.js'

export function openExisting(dir: string): FixtureStore {
  if (!existsSync(dir)) throw new UsageError(`no fixture cache at ${dir}; pass --dir or run your tests first`)
  return openStore(dir)
}

function byName(entries: StoredEntry[]): StoredEntry[] {
  return [...entries].sort((a, b) => byCodeUnits(a.header.name, b.header.name) || byCodeUnits(a.header.file, b.header.file))
}

export function list(store: FixtureStore, json: boolean): string {
  const entries = byName(store.list())
  if (json) {
    return JSON.stringify(entries.map(({ header, bytes, usedAt }) => ({
      name: header.name,
      file: header.file,
      key: header.key,
      size: bytes,
      createdAt: header.createdAt,
      usedAt: usedAt.toISOString(),
      node: header.node,
      buildMs: header.buildMs,
    })), null, 2)
  }
  if (!entries.length) return `no entries in ${store.dir}`
  return table([
    ['NAME', 'FILE', 'KEY', 'SIZE', 'CREATED', 'LAST USED', 'NODE', 'BUILD'],
    ...entries.map(({ header, bytes, usedAt }) => [
      header.name,
      header.file,
      header.key.slice(0, 12),
      formatBytes(bytes),
      header.createdAt.slice(0, 16).replace('T', ' '),
      usedAt.toISOString().slice(0, 16).replace('T', ' '),
      header.node,
      `${(header.buildMs / 1000).toFixed(1)} s`,
    ]),
  ])
}

/** Fails on names no entry has, listing the names there are. */
function checkNames(entries: StoredEntry[], names: string[]): void {
  const unknown = names.filter(name => !entries.some(entry => entry.header.name === name))
  if (unknown.length) {
    const known = [...new Set(entries.map(entry => entry.header.name))].sort().join(', ') || 'none'
    throw new UsageError(`no cached fixture named ${unknown.join(', ')}; cached fixtures: ${known}`)
  }
}

/** What each stored entry's key is made of: its named inputs, and the reads recorded while it was built. */
export function explain(store: FixtureStore, names: string[], json: boolean): string {
  const all = store.list()
  checkNames(all, names)
  const entries = byName(names.length ? all.filter(entry => names.includes(entry.header.name)) : all)
  if (json) {
    return JSON.stringify(entries.map(({ header, usedAt }) => ({
      name: header.name,
      file: header.file,
      key: header.key,
      id: header.id,
      node: header.node,
      usedAt: usedAt.toISOString(),
      inputs: header.inputs,
      recorded: header.recorded,
      relocated: Boolean(header.relocated),
      // Names only: a value set may be a secret, and this goes to a terminal or a log.
      envSet: Object.keys(header.envSet ?? {}),
    })), null, 2)
  }
  if (!entries.length) return `no entries in ${store.dir}`
  return entries.map(({ header, usedAt }) => [
    `${header.name} (${header.file}) key ${header.key.slice(0, 12)}, Node ${header.node}, last used ${usedAt.toISOString().slice(0, 16).replace('T', ' ')}`,
    ...[...header.inputs].sort((a, b) => byCodeUnits(a.name, b.name)).map(input => `  ${input.name}  ${shortDigest(input)}`),
    ...[...header.recorded].sort((a, b) => byCodeUnits(a.name, b.name)).map(input => `  ${input.name}  ${shortDigest(input)}  (recorded)`),
    ...Object.entries(header.envSet ?? {}).map(([name, value]) => `  sets env ${name}${value === null ? ' (deletes it)' : ''} on every use`),
  ].join('\n')).join('\n\n')
}

// Versions and names are shown whole; digests by their start.
const shortDigest = (input: { name: string, digest: string }): string => (/^[0-9a-f]{64}$/.test(input.digest) ? input.digest.slice(0, 12) : input.digest)

export function clear(store: FixtureStore, names: string[]): string {
  const entries = store.list()
  checkNames(entries, names)
  const doomed = names.length ? entries.filter(entry => names.includes(entry.header.name)) : entries
  for (const entry of doomed) store.remove(entry)
  store.removeLeftovers(0)
  return `removed ${doomed.length} ${doomed.length === 1 ? 'entry' : 'entries'} (${formatBytes(totalBytes(doomed))})`
}

export function prune(store: FixtureStore, options: { maxSize?: string, olderThan?: string }): string {
  const { removed, leftovers, keptBytes } = pruneStore(store, {
    maxBytes: options.maxSize === undefined ? undefined : parseBytes(options.maxSize),
    maxAgeMs: options.olderThan === undefined ? undefined : parseDuration(options.olderThan),
  })
  return `removed ${removed.length} ${removed.length === 1 ? 'entry' : 'entries'} (${formatBytes(totalBytes(removed))})`
    + `${leftovers ? ` and ${leftovers} leftover temporary files or locks` : ''}; ${formatBytes(keptBytes)} kept`
}

export function info(store: FixtureStore): string {
  const entries = store.list()
  return table([
    ['dir', store.dir],
    ['entries', String(entries.length)],
    ['fixtures', String(new Set(entries.map(entry => entry.header.name)).size)],
    ['total size', formatBytes(totalBytes(entries))],
    ['format version', String(FORMAT_VERSION)],
  ])
}
