import type { FixtureEvent } from '../shared/protocol.js'
import type { CopyLine } from './journal.js'
import { byCodeUnits } from '../shared/order.js'
import { formatBytes } from '../shared/units.js'

/** One fixture over the whole run, across workers and projects. */
export interface FixtureOutcome {
  name: string
  file: string
  key: string
  /** `miss` when any worker built it, `failed` when its factory threw. */
  outcome: 'hit' | 'miss' | 'failed'
  reason?: string
  /** Build time: this run's (miss, summed over its builds) or the stored entry's (hit). */
  buildMs: number
  /** Builds that ran (more than one in readonly mode, or with the cache off). */
  builds: number
  /** Loads that replaced a build, and the build time they stood in for. */
  reuses: number
  /** Of those, loads served by the remote tier (another machine's build). */
  fromRemote: number
  avoidedMs: number
  /** Reading, checking and decoding stored entries, over all workers. */
  loadMs: number
  /** Copies handed to uses, and the time making them took (deserializing, each use). */
  copies: number
  copyMs: number
  /** Its uses share one frozen copy per worker (`frozen: true`). */
  frozen?: boolean
  sizeBytes: number
  notes?: string[]
}

const idOf = (item: { name: string, file: string }): string => `${item.name}\0${item.file}`

export function aggregate(events: readonly FixtureEvent[], copies: readonly CopyLine[] = []): FixtureOutcome[] {
  const byFixture = new Map<string, FixtureOutcome>()
  for (const event of events) {
    let known = byFixture.get(idOf(event))
    if (!known) {
      known = { name: event.name, file: event.file, key: event.key, outcome: 'hit', buildMs: 0, builds: 0, reuses: 0, fromRemote: 0, avoidedMs: 0, loadMs: 0, copies: 0, copyMs: 0, sizeBytes: event.bytes }
      byFixture.set(idOf(event), known)
    }
    if (event.notes) known.notes = event.notes
    if (event.outcome === 'failed') {
      Object.assign(known, { outcome: 'failed', reason: event.reason })
    }
    else if (event.outcome === 'built') {
      // A fixture built by any worker counts as rebuilt; workers that then read it do not change that.
      if (known.outcome === 'hit') Object.assign(known, { outcome: 'miss', reason: event.reason, buildMs: 0 })
      known.builds++
      known.buildMs += event.buildMs
      known.key = event.key
      known.sizeBytes = event.bytes
    }
    else {
      known.reuses++
      if (event.tier === 'remote') known.fromRemote++
      known.avoidedMs += event.buildMs
      known.loadMs += event.loadMs
      if (known.outcome === 'hit') known.buildMs = event.buildMs
    }
  }
  for (const copy of copies) {
    const known = byFixture.get(idOf(copy))
    if (!known) continue
    known.copies++
    known.copyMs += copy.ms
    if (copy.frozen) known.frozen = true
  }
  return [...byFixture.values()].sort((a, b) => byCodeUnits(a.name, b.name))
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const MAX_NAMES = 5

function names(outcomes: readonly FixtureOutcome[]): string {
  const listed = outcomes.slice(0, MAX_NAMES).map(outcome => outcome.name).join(', ')
  return outcomes.length > MAX_NAMES ? `${listed} and ${outcomes.length - MAX_NAMES} more` : listed
}

/** What reusing cost, all of it: reading, checking and decoding entries, and making each use's copy. */
const loadingMs = (outcome: FixtureOutcome): number => outcome.loadMs + outcome.copyMs

// Below this, loading and building are both too quick to tell apart: not worth a flag.
const NOTICEABLE_MS = 50

/** A reuse whose loading cost (noticeably) more than the builds it replaced saved nothing. */
export function costsMoreThanBuilding(outcome: FixtureOutcome): boolean {
  return outcome.outcome === 'hit' && outcome.reuses > 0 && loadingMs(outcome) - outcome.avoidedMs >= NOTICEABLE_MS
}

const oneBuildMs = (outcome: FixtureOutcome): number => outcome.buildMs / Math.max(1, outcome.builds)

/** A fixture whose per-use copies cost more than building it once: sharing would pay. */
function copiesCostMoreThanABuild(outcome: FixtureOutcome): boolean {
  return !outcome.frozen && outcome.outcome !== 'failed' && outcome.copies > 1 && outcome.copyMs >= NOTICEABLE_MS && outcome.copyMs > oneBuildMs(outcome)
}

/**
 * `fixture cache: 2 reused (corpus, index): 7 builds avoided, 22.9 s of build time, for 0.4 s of
 * loading; 1 rebuilt in 3.5 s — db: factory changed`. With the cache off: `fixture cache off: …`.
 */
export function summaryLine(outcomes: readonly FixtureOutcome[], off = false): string {
  const failed = outcomes.filter(outcome => outcome.outcome === 'failed')
  const failures = failed.length ? `${failed.length} failed: ${failed.slice(0, 3).map(outcome => `${outcome.name} (${outcome.reason})`).join('; ')}` : ''
  if (off) {
    const built = outcomes.filter(outcome => outcome.outcome !== 'failed')
    const builds = built.reduce((total, outcome) => total + outcome.builds, 0)
    const parts = [`${builds} ${builds === 1 ? 'build' : 'builds'}${built.length ? ` (${names(built)})` : ''} in ${seconds(built.reduce((total, outcome) => total + outcome.buildMs, 0))}, nothing stored`, failures]
    return `fixture cache off: ${parts.filter(Boolean).join('; ')}`
  }
  const hits = outcomes.filter(outcome => outcome.outcome === 'hit')
  const misses = outcomes.filter(outcome => outcome.outcome === 'miss')
  const parts: string[] = []
  if (hits.length) {
    const paying = hits.filter(outcome => !costsMoreThanBuilding(outcome))
    const avoided = paying.reduce((total, outcome) => total + outcome.reuses, 0)
    const avoidedMs = paying.reduce((total, outcome) => total + outcome.avoidedMs, 0)
    const loading = hits.reduce((total, outcome) => total + loadingMs(outcome), 0)
    const remote = hits.filter(outcome => outcome.fromRemote > 0).length
    const through = remote ? `, ${remote} through the remote cache` : ''
    parts.push(`${hits.length} reused (${names(hits)})${through}: ${avoided} ${avoided === 1 ? 'build' : 'builds'} avoided, ${seconds(avoidedMs)} of build time, for ${seconds(loading)} of loading`)
  }
  if (misses.length) {
    const builds = misses.reduce((total, outcome) => total + outcome.builds, 0)
    const reasons = misses.slice(0, 3).map(miss => `${miss.name}: ${miss.reason}`)
    if (misses.length > 3) reasons.push(`${misses.length - 3} more`)
    const count = builds > misses.length ? ` (${builds} builds)` : ''
    parts.push(`${misses.length} rebuilt${count} in ${seconds(misses.reduce((total, miss) => total + miss.buildMs, 0))} — ${reasons.join('; ')}`)
  }
  if (failures) parts.push(failures)
  for (const outcome of hits.filter(costsMoreThanBuilding)) {
    parts.push(`${outcome.name}: loading ${seconds(loadingMs(outcome))} costs more than building ${seconds(outcome.buildMs)}`)
  }
  for (const outcome of outcomes.filter(copiesCostMoreThanABuild)) {
    parts.push(`${outcome.name}: its ${outcome.copies} copies took ${seconds(outcome.copyMs)}, more than one build (${seconds(oneBuildMs(outcome))}): share one with frozen: true if tests only read it, or give it a wider scope`)
  }
  return `fixture cache: ${parts.join('; ')}`
}

/** `1 copy in 12 ms`, `22 copies, 1.9 s each`, `3 frozen copies shared, 40 ms each`. */
function copyCount({ copies, copyMs, frozen }: FixtureOutcome): string {
  const each = copyMs / copies
  const time = each >= 1000 ? seconds(each) : `${Math.round(each)} ms`
  if (frozen) return `${copies} frozen ${copies === 1 ? 'copy' : 'copies'} shared, ${time} each`
  return copies === 1 ? `1 copy in ${time}` : `${copies} copies, ${time} each`
}

export function detailLines(outcomes: readonly FixtureOutcome[]): string[] {
  const width = Math.max(...outcomes.map(outcome => outcome.name.length))
  return outcomes.map((outcome) => {
    const name = outcome.name.padEnd(width)
    const copies = outcome.copies ? `, ${copyCount(outcome)}` : ''
    const notes = outcome.notes?.length ? `; ${outcome.notes.join('; ')}` : ''
    if (outcome.outcome === 'failed') return `  ✗ ${name}  failed   ${outcome.reason} (${outcome.file})`
    const tier = outcome.fromRemote ? ' (remote)' : ''
    if (outcome.outcome === 'hit') return `  ✓ ${name}  reused${tier}   ${formatBytes(outcome.sizeBytes)}, loaded in ${Math.round(outcome.loadMs)} ms${copies}, built in ${seconds(outcome.buildMs)} (${outcome.file})${notes}`
    return `  ↻ ${name}  rebuilt  ${seconds(outcome.buildMs)}, ${formatBytes(outcome.sizeBytes)}${copies}: ${outcome.reason} (${outcome.file})${notes}`
  })
}
