import type { FixtureEvent, JournalLine } from '../shared/protocol.js'
import type { Owner } from '../store/lock.js'
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ownerGone, thisProcess } from '../store/lock.js'
import { safeReaddir } from '../store/safe-fs.js'

/** Everything workers appended to the run's journal so far. */
export function readJournal(folder: string): JournalLine[] {
  return safeReaddir(folder).filter(file => file.endsWith('.jsonl')).flatMap((file) => {
    const lines = parseLines(readFileSync(join(folder, file), 'utf8'))
    for (const line of lines) (line as JournalLine & { source?: string }).source = file
    return lines
  })
}

/**
 * A worker's lines, as one JSON array in one parse (several times faster than thousands of small
 * ones: a cold run of hundreds of fixtures writes thousands of lines); line by line when a line is
 * torn (a killed worker), skipping it. JSON never holds a raw newline, so newlines are only separators.
 */
function parseLines(text: string): JournalLine[] {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text
  if (!body) return []
  try {
    return JSON.parse(`[${body.replaceAll('\n', ',')}]`) as JournalLine[]
  }
  catch {
    return body.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalLine]
      }
      catch {
        return []
      }
    })
  }
}

export function journalEvents(lines: readonly JournalLine[]): FixtureEvent[] {
  return lines.flatMap(line => (line.type === 'event' ? [line.event] : []))
}

export type CopyLine = Extract<JournalLine, { type: 'copy' }>

export function journalCopies(lines: readonly JournalLine[]): CopyLine[] {
  return lines.flatMap(line => (line.type === 'copy' ? [line] : []))
}

/** Each warning once, however many workers and projects met it. */
export function journalWarnings(lines: readonly JournalLine[]): string[] {
  return [...new Set(lines.flatMap(line => (line.type === 'warning' ? [line.message] : [])))]
}

/** Builds that started and have not finished (or failed): what the progress line shows. */
export function buildsInProgress(lines: ReadonlyArray<JournalLine & { source?: string }>): Array<{ name: string, startedAt: number }> {
  const running = new Map<string, { name: string, startedAt: number }>()
  for (const line of lines) {
    if (line.type === 'building') running.set(`${line.source}\0${line.name}`, { name: line.name, startedAt: line.startedAt })
    else if (line.type === 'event') running.delete(`${line.source}\0${line.event.name}`)
  }
  return [...running.values()]
}

/**
 * Removes a run's journal, its owner last: a run killed while clearing still leaves a journal named
 * as dead. Never throws: a worker thread still writing its last line (ENOTEMPTY) must not turn a
 * passing run red, and what it leaves is swept by a later run.
 */
export function clearJournal(folder: string): void {
  try {
    for (const name of safeReaddir(folder)) {
      if (name !== OWNER_FILE) rmSync(join(folder, name), { recursive: true, force: true })
    }
    rmSync(folder, { recursive: true, force: true, maxRetries: 2, retryDelay: 20 })
  }
  catch {}
}

const JOURNAL_PREFIX = 'vitest-fixture-cache-'
const DAY_MS = 24 * 60 * 60 * 1000

export function journalFolder(runId: string): string {
  return join(tmpdir(), `${JOURNAL_PREFIX}${runId}`)
}

// The run's main process, named in its journal folder.
const OWNER_FILE = 'owner.json'

/** Names the run's main process in its journal: a later run then removes it at once if this run is killed. */
export function claimJournal(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    // Written whole or not at all: a run killed here leaves no half-written owner.
    const partial = join(folder, `${OWNER_FILE}.${process.pid}.tmp`)
    writeFileSync(partial, JSON.stringify(thisProcess()), { mode: 0o600 })
    renameSync(partial, join(folder, OWNER_FILE))
  }
  catch {}
}

/**
 * Journals of runs killed before their end are litter in the temp folder: removed once the process
 * they name is gone, or when they hold neither an owner nor a journal line (killed while naming
 * their owner or clearing), or after a day when they name none (or one on another machine).
 */
export function sweepOldJournals(): void {
  const cutoff = Date.now() - DAY_MS
  for (const name of safeReaddir(tmpdir())) {
    if (!name.startsWith(JOURNAL_PREFIX)) continue
    const folder = join(tmpdir(), name)
    try {
      if (ownerGoneOf(folder) || isHusk(folder) || statSync(folder).mtimeMs < cutoff) clearJournal(folder)
    }
    catch {}
  }
}

function isHusk(folder: string): boolean {
  const names = safeReaddir(folder)
  return !names.includes(OWNER_FILE) && !names.some(name => name.endsWith('.jsonl'))
}

function ownerGoneOf(folder: string): boolean {
  try {
    return ownerGone(JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8')) as Owner)
  }
  catch {
    return false
  }
}
