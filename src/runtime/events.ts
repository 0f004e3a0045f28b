import type { FixtureEvent, JournalLine, WorkerConfig } from '../shared/protocol.js'
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { setImmediate } from 'node:timers'
import { threadId } from 'node:worker_threads'
import { onTestFinished } from 'vitest'
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
  journal(config, { type: 'event', event }, true)
}

/** A copy handed to one use, and what making it took (deserializing the stored form). */
export function recordCopy(config: WorkerConfig, copy: { name: string, file: string, key: string, ms: number, frozen?: true }): void {
  journal(config, { type: 'copy', ...copy }, true)
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
// Lines of uses and outcomes, written together when the test finishes or this turn of the event
// loop is over, whichever comes first: a test that uses 300 cached fixtures sets them all up in
// one turn, and pays one write, not 600. A worker may finish its last file without another turn,
// and the main process reads the journal as soon as it has every result: lines still waiting for
// the turn to end were missing from the summary and the report.
let batch: { config: WorkerConfig, lines: string } | undefined
// A process that exits in the turn it journaled (process.exit after a cachedValue) writes it first.
process.once('exit', () => writeJournalNow())

/**
 * Tells the main process what happened; the summary is a nicety, so trouble here is ignored. False
 * when it could not. `soon`: in this turn's batch; other lines (a build starting, a warning) go at once.
 */
function journal(config: WorkerConfig, line: JournalLine, soon = false): boolean {
  const text = `${JSON.stringify(line)}\n`
  // Outside a test (a hook, a setup file, the main process) nothing waits for one to finish: at once.
  if (soon && (batch ? batch.config.journal === config.journal : writtenWhenTestFinishes())) {
    // node:timers, not the global: a test may have faked setImmediate.
    if (!batch) setImmediate(writeJournalNow)
    batch ??= { config, lines: '' }
    batch.lines += text
    return true
  }
  writeJournalNow()
  return write(config, text)
}

/** Whether a test is running: the batch is then written as it finishes. */
function writtenWhenTestFinishes(): boolean {
  try {
    onTestFinished(writeJournalNow)
    return true
  }
  catch {
    return false
  }
}

function writeJournalNow(): void {
  if (!batch) return
  const { config, lines } = batch
  batch = undefined
  write(config, lines)
}

function write(config: WorkerConfig, text: string): boolean {
  try {
    if (opened?.folder !== config.journal) {
      if (opened) closeSync(opened.fd)
      mkdirSync(config.journal, { recursive: true, mode: 0o700 })
      opened = { folder: config.journal, fd: openSync(join(config.journal, `${process.pid}-${threadId}.jsonl`), 'a', 0o600) }
    }
    // Whole lines in one write, in append mode, to this worker's own file.
    writeSync(opened.fd, text)
    return true
  }
  catch {
    return false
  }
}
