import type { Reporter, Vitest } from 'vitest/node'
import type { FixtureEvent, WorkerConfig } from '../shared/protocol.js'
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { REMOTE_OFF_MARKER } from '../shared/protocol.js'
import { openStore } from '../store/open-store.js'
import { prune } from '../store/prune.js'
import { claimJournal, clearJournal, journalCopies, journalEvents, journalWarnings, readJournal } from './journal.js'
import { BuildProgress } from './progress.js'
import { shareBuilt } from './share-built.js'
import { removeLeftoverLocks, removeRunCopies } from './sweep.js'
import type { FixtureOutcome } from './run-summary.js'
import { aggregate, detailLines, summaryLine } from './run-summary.js'

export interface ReporterOptions {
  silent: boolean
  detail: boolean
  /** Where the JSON report goes: a path relative to the Vitest root, or false. Default: the cache dir. */
  report: string | false | undefined
  maxBytes: number | undefined
}

/** Collects what workers did and tells the user after each run; trims the cache to `maxSize`. */
export class FixtureCacheReporter implements Reporter {
  private vitest: Vitest | undefined
  private progress = new BuildProgress(line => this.log(line))

  constructor(
    private config: () => WorkerConfig | undefined,
    private startRun: () => void,
    private options: ReporterOptions,
  ) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunStart(): void {
    this.startRun()
    const config = this.config()
    if (config) claimJournal(config.journal)
    // In CI or a pipe, only the summary at the end.
    if (!config || this.options.silent || !process.stdout.isTTY || process.env.CI) return
    this.progress.start(this.vitest, config.journal)
  }

  async onTestRunEnd(): Promise<void> {
    this.progress.stop()
    const config = this.config()
    if (!config) return
    const lines = readJournal(config.journal)
    const remoteOff = existsSync(join(config.journal, REMOTE_OFF_MARKER))
    clearJournal(config.journal)
    removeRunCopies(config.runId)
    if (config.mode === 'on' || config.mode === 'verify') removeLeftoverLocks(config.dir)
    const events = journalEvents(lines)
    const shared = remoteOff ? { warnings: [] } : await shareBuilt(config, lines)
    for (const warning of [...journalWarnings(lines), ...shared.warnings]) this.warn(`[vitest-fixture-cache] ${warning}`)
    this.warnOfUnknownRefresh(config, events)
    if (!events.length) return
    const outcomes = aggregate(events, journalCopies(lines))
    const summary = [summaryLine(outcomes, config.mode === 'off'), shared.line].filter(Boolean).join('; ')
    if (!this.options.silent) {
      const verbose = this.vitest?.config.reporters.some(reporter => Array.isArray(reporter) && reporter[0] === 'verbose')
      this.log(summary)
      if (this.options.detail || verbose) for (const line of detailLines(outcomes)) this.log(line)
    }
    writeJobSummary(summary, outcomes)
    const report = { runId: config.runId, mode: config.mode, fixtures: outcomes }
    this.writeReport(config, report)
    if (this.options.maxBytes !== undefined && config.mode !== 'readonly' && config.mode !== 'off') {
      try {
        prune(openStore(config.dir), { maxBytes: this.options.maxBytes })
      }
      catch {}
    }
  }

  /** `FIXTURE_CACHE_REFRESH=corpsu` would refresh nothing, silently: say so, with the names there are. */
  private warnOfUnknownRefresh(config: WorkerConfig, events: readonly FixtureEvent[]): void {
    if (config.refresh === true || !config.refresh.length) return
    let stored: string[] = []
    try {
      stored = openStore(config.dir, { readonly: true }).list().map(entry => entry.header.name)
    }
    catch {}
    const known = new Set([...events.map(event => event.name), ...stored])
    const unknown = config.refresh.filter(name => !known.has(name))
    if (!unknown.length) return
    const names = [...known].sort().join(', ') || 'none yet'
    this.warn(`[vitest-fixture-cache] FIXTURE_CACHE_REFRESH names ${unknown.map(name => `"${name}"`).join(', ')}, which no cached fixture has; known fixtures: ${names}`)
  }

  private writeReport(config: WorkerConfig, report: object): void {
    if (this.options.report === false || config.mode === 'readonly' || config.mode === 'off') return
    try {
      if (this.options.report) writeFileSync(resolve(config.root, this.options.report), `${JSON.stringify(report, null, 2)}\n`)
      else openStore(config.dir).writeReport(report)
    }
    catch {}
  }

  private log(line: string): void {
    if (this.vitest) this.vitest.logger.log(line)
    else console.log(line)
  }

  private warn(line: string): void {
    if (this.vitest) this.vitest.logger.warn(line)
    else console.warn(line)
  }
}

/** In GitHub Actions, the run's summary joins the job's summary page (`GITHUB_STEP_SUMMARY`). */
function writeJobSummary(summary: string, outcomes: readonly FixtureOutcome[]): void {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (!path) return
  const cell = (text: string): string => text.replace(/\|/g, '\\|')
  const rows = outcomes.map(outcome => `| ${cell(outcome.name)} | ${outcome.outcome} | ${cell(outcome.reason ?? '')} | ${(outcome.buildMs / 1000).toFixed(1)} s | ${((outcome.loadMs + outcome.copyMs) / 1000).toFixed(1)} s |`)
  const markdown = ['### Fixture cache', '', summary, '', '| fixture | outcome | reason | build | loading |', '| --- | --- | --- | --- | --- |', ...rows, '']
  try {
    appendFileSync(path, `${markdown.join('\n')}\n`)
  }
  catch {}
}
