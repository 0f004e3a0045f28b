import type { FixtureEvent } from '../shared/protocol.js'
import { formatBytes } from '../shared/units.js'

/** One fixture over the whole run, across workers and projects. */
export interface FixtureOutcome {
  name: string
  file: string
  key: string
  outcome: 'hit' | 'miss'
  reason?: string
  /** Build time: this run's (miss) or the stored entry's (hit). */
  buildMs: number
  /** Time spent reading stored entries, over all workers. */
  loadMs: number
  sizeBytes: number
  /** How many workers got it from the cache (hit) or built it (miss). */
  uses: number
}

export function aggregate(events: readonly FixtureEvent[]): FixtureOutcome[] {
  const byFixture = new Map<string, FixtureOutcome>()
  for (const event of events) {
    const id = `${event.name}\0${event.file}\0${event.key}`
    const known = byFixture.get(id)
    if (!known) {
      byFixture.set(id, {
        name: event.name,
        file: event.file,
        key: event.key,
        outcome: event.outcome === 'built' ? 'miss' : 'hit',
        reason: event.reason,
        buildMs: event.buildMs,
        loadMs: event.loadMs,
        sizeBytes: event.bytes,
        uses: 1,
      })
      continue
    }
    known.uses++
    known.loadMs += event.loadMs
    // A fixture built by any worker counts as rebuilt; workers that then read it do not change that.
    if (event.outcome === 'built' && known.outcome === 'hit') Object.assign(known, { outcome: 'miss', reason: event.reason, buildMs: event.buildMs })
  }
  return [...byFixture.values()].sort((a, b) => a.name.localeCompare(b.name))
}

/** Every reuse saved a build, less the time reading it took. */
export function savedMs(events: readonly FixtureEvent[]): number {
  return events.filter(event => event.outcome === 'reused').reduce((total, event) => total + Math.max(0, event.buildMs - event.loadMs), 0)
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** `fixture cache: 3 reused (saved 41.2 s), 1 rebuilt in 12.3 s — corpus: helper tokenize() in src/text.ts changed` */
export function summaryLine(outcomes: readonly FixtureOutcome[], saved: number): string {
  const hits = outcomes.filter(outcome => outcome.outcome === 'hit')
  const misses = outcomes.filter(outcome => outcome.outcome === 'miss')
  const parts: string[] = []
  if (hits.length) parts.push(`${hits.length} reused (saved ${seconds(saved)})`)
  if (misses.length) parts.push(`${misses.length} rebuilt in ${seconds(misses.reduce((total, miss) => total + miss.buildMs, 0))}`)
  const reasons = misses.slice(0, 3).map(miss => `${miss.name}: ${miss.reason}`)
  if (misses.length > 3) reasons.push(`${misses.length - 3} more`)
  return `fixture cache: ${parts.join(', ')}${reasons.length ? ` — ${reasons.join('; ')}` : ''}`
}

export function detailLines(outcomes: readonly FixtureOutcome[]): string[] {
  const width = Math.max(...outcomes.map(outcome => outcome.name.length))
  return outcomes.map(outcome => outcome.outcome === 'hit'
    ? `  ✓ ${outcome.name.padEnd(width)}  reused   ${formatBytes(outcome.sizeBytes)}, loaded in ${Math.round(outcome.loadMs)} ms, built in ${seconds(outcome.buildMs)} (${outcome.file})`
    : `  ↻ ${outcome.name.padEnd(width)}  rebuilt  ${seconds(outcome.buildMs)}, ${formatBytes(outcome.sizeBytes)}: ${outcome.reason} (${outcome.file})`)
}
