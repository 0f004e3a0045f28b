import type { Reporter, Vitest } from 'vitest/node'
import type { WorkerConfig } from '../shared/protocol.js'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { FixtureStore } from '../store/fixture-store.js'
import { prune } from '../store/prune.js'
import { buildsInProgress, clearJournal, journalEvents, readJournal } from './journal.js'
import { aggregate, detailLines, savedMs, summaryLine } from './run-summary.js'

export interface ReporterOptions {
  silent: boolean
  detail: boolean
  /** Where the JSON report goes: a path relative to the Vitest root, or false. Default: the cache dir. */
  report: string | false | undefined
  maxBytes: number | undefined
}

// A build is announced after this long, then again every PROGRESS_EVERY_MS.
const PROGRESS_AFTER_MS = 2_000
const PROGRESS_EVERY_MS = 10_000

/** Collects what workers did and tells the user after each run; trims the cache to `maxSize`. */
export class FixtureCacheReporter implements Reporter {
  private vitest: Vitest | undefined
  private progress: NodeJS.Timeout | undefined
  private announced = new Map<string, number>()

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
    if (!config || this.options.silent || !process.stdout.isTTY || process.env.CI) return
    this.announced.clear()
    this.progress = setInterval(() => this.showProgress(config), 1000)
    this.progress.unref()
  }

  onTestRunEnd(): void {
    clearInterval(this.progress)
    const config = this.config()
    if (!config) return
    const events = journalEvents(readJournal(config.journal))
    clearJournal(config.journal)
    if (!events.length) return
    const outcomes = aggregate(events)
    if (!this.options.silent) {
      const verbose = this.vitest?.config.reporters.some(reporter => Array.isArray(reporter) && reporter[0] === 'verbose')
      this.log(summaryLine(outcomes, savedMs(events)))
      if (this.options.detail || verbose) for (const line of detailLines(outcomes)) this.log(line)
    }
    const report = { runId: config.runId, fixtures: outcomes.map(({ uses: _uses, ...outcome }) => outcome) }
    this.writeReport(config, report)
    if (this.options.maxBytes !== undefined && config.mode !== 'readonly' && config.mode !== 'off') {
      try {
        prune(new FixtureStore(config.dir), { maxBytes: this.options.maxBytes })
      }
      catch {}
    }
  }

  private writeReport(config: WorkerConfig, report: object): void {
    if (this.options.report === false || config.mode === 'readonly' || config.mode === 'off') return
    try {
      if (this.options.report) writeFileSync(resolve(config.root, this.options.report), `${JSON.stringify(report, null, 2)}\n`)
      else new FixtureStore(config.dir).writeReport(report)
    }
    catch {}
  }

  private showProgress(config: WorkerConfig): void {
    const now = Date.now()
    for (const { name, startedAt } of buildsInProgress(readJournal(config.journal))) {
      const elapsed = now - startedAt
      const last = this.announced.get(name)
      if (elapsed < PROGRESS_AFTER_MS || (last !== undefined && now - last < PROGRESS_EVERY_MS)) continue
      this.announced.set(name, now)
      this.log(`fixture cache: building ${name}… ${Math.round(elapsed / 1000)} s`)
    }
  }

  private log(line: string): void {
    if (this.vitest) this.vitest.logger.log(line)
    else console.log(line)
  }
}
