import { debug } from './debug.js'

/** What the cache did for one fixture in this worker. */
export interface FixtureEvent {
  name: string
  /** Module that defines the fixture, relative to the Vitest root. */
  file: string
  key: string
  outcome: 'reused' | 'built'
  /** Why it was built: `first build`, `refresh requested`, `helper tokenize() in src/text.ts changed`, ... */
  reason?: string
  buildMs?: number
  bytes: number
}

const events: FixtureEvent[] = []

export function recordEvent(event: FixtureEvent): void {
  events.push(event)
  debug(event.outcome === 'reused'
    ? `${event.name}: reused (${event.bytes} bytes)`
    : `${event.name}: built in ${Math.round(event.buildMs ?? 0)} ms (${event.reason})`)
}

/** The decisions the cache made in this worker so far, oldest first. */
export function fixtureCacheEvents(): readonly FixtureEvent[] {
  return events
}
