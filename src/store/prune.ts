import type { FixtureStore, StoredEntry } from './fixture-store.js'
import { wallClockMs } from '../shared/clock.js'

export interface PruneLimits {
  /** Keep at most this many bytes of entries. */
  maxBytes?: number
  /** Remove entries not used for longer than this. */
  maxAgeMs?: number
}

export interface PruneResult {
  removed: StoredEntry[]
  leftovers: number
  keptBytes: number
}

/** Removes leftovers, then the least recently used entries until the limits hold. */
export function prune(store: FixtureStore, { maxBytes = Infinity, maxAgeMs = Infinity }: PruneLimits, leftoverAgeMs = 60_000): PruneResult {
  const leftovers = store.removeLeftovers(leftoverAgeMs).length
  const entries = store.list().sort((a, b) => a.usedAt.getTime() - b.usedAt.getTime())
  const now = wallClockMs()
  let keptBytes = totalBytes(entries)
  const removed: StoredEntry[] = []
  for (const entry of entries) {
    if (keptBytes <= maxBytes && now - entry.usedAt.getTime() <= maxAgeMs) continue
    store.remove(entry)
    removed.push(entry)
    keptBytes -= entry.bytes
  }
  return { removed, leftovers, keptBytes }
}

export function totalBytes(entries: StoredEntry[]): number {
  return entries.reduce((total, entry) => total + entry.bytes, 0)
}
