import type { FixtureEvent, JournalLine, WorkerConfig } from '../shared/protocol.js'
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { wallClockMs } from '../shared/clock.js'
import { debug } from './debug.js'
import { warnHere } from './errors.js'

export type { FixtureEvent }

const events: FixtureEvent[] = []

export function recordEvent(config: WorkerConfig, event: FixtureEvent): void {
  events.push(event)
  debug(event.outcome === 'reused'
    ? `${event.name}: reused (${event.bytes} bytes)`
    : event.outcome === 'failed'
      ? `${event.name}: failed (${event.reason})`
      : `${event.name}: built in ${Math.round(event.buildMs)} ms (${event.reason})`)
  journal(config, { type: 'event', event })
}

/** A copy handed to one use, and what making it took (deserializing the stored form). */
export function recordCopy(config: WorkerConfig, copy: { name: string, file: string, key: string, ms: number, frozen?: true }): void {
  journal(config, { type: 'copy', ...copy })
}

/**
 * Cache trouble never fails a run: it is reported, once per run across workers and projects (the
 * plugin prints what the journal collected), and the value is rebuilt. Without a journal, here.
 */
export function recordWarning(config: WorkerConfig, message: string): void {
  if (!journal(config, { type: 'warning', message })) warnHere(message)
}

export function recordBuildStart(config: WorkerConfig, name: string): void {
  journal(config, { type: 'building', name, startedAt: wallClockMs() })
}

/** An entry now stored locally, for the main process to share when remote writes are on. */
export function recordStored(config: WorkerConfig, stored: Omit<Extract<JournalLine, { type: 'stored' }>, 'type'>): void {
  if (config.remote?.write) journal(config, { type: 'stored', ...stored })
}

/** The decisions the cache made in this worker so far, oldest first. */
export function fixtureCacheEvents(): readonly FixtureEvent[] {
  return events
}

// This worker's journal file, opened once per run: a line is then one write, not an open, a write and a close.
let opened: { folder: string, fd: number } | undefined

/** Tells the main process what happened; the summary is a nicety, so trouble here is ignored. False when it could not. */
function journal(config: WorkerConfig, line: JournalLine): boolean {
  try {
    if (opened?.folder !== config.journal) {
      if (opened) closeSync(opened.fd)
      mkdirSync(config.journal, { recursive: true, mode: 0o700 })
      opened = { folder: config.journal, fd: openSync(join(config.journal, `${process.pid}-${threadId}.jsonl`), 'a', 0o600) }
    }
    // One write of one whole line, in append mode: lines of concurrent writers never interleave.
    writeSync(opened.fd, `${JSON.stringify(line)}\n`)
    return true
  }
  catch {
    return false
  }
}
