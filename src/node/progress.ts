import type { Vitest } from 'vitest/node'
import { buildsInProgress, readJournal } from './journal.js'

// A build shows after this long; without a live window, a log line repeats every LOG_EVERY_MS.
const SHOW_AFTER_MS = 2_000
const LOG_EVERY_MS = 10_000
const POLL_MS = 500

/** The part of Vitest's terminal renderer this uses: the rows it keeps at the bottom. */
interface LiveWindow {
  options: { getWindow: () => string[] }
}

/**
 * Shows factories that run long, in an interactive terminal only. The line goes into the live
 * summary Vitest keeps at the bottom of the terminal (`  Fixtures  building corpus… 8 s`), so it
 * updates in place; anything else printed would interleave with Vitest's own redraws. When no
 * such window exists (a custom reporter), it falls back to a log line every 10 s.
 */
export class BuildProgress {
  private building: Array<{ name: string, startedAt: number }> = []
  private timer: NodeJS.Timeout | undefined
  private logged = new Map<string, number>()
  private windows = new WeakSet<LiveWindow>()
  private live = false

  constructor(private log: (line: string) => void) {}

  start(vitest: Vitest | undefined, journal: string): void {
    this.stop()
    this.live = this.joinLiveWindows(vitest)
    this.timer = setInterval(() => this.poll(journal), POLL_MS)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.building = []
    this.logged.clear()
  }

  /** The summary row for builds running longer than SHOW_AFTER_MS, or none. */
  rows(now = Date.now()): string[] {
    const shown = this.longRunning(now)
    return shown.length ? [`${dim('   Fixtures')} ${shown.map(build => describe(build, now)).join(', ')}`] : []
  }

  private longRunning(now: number): Array<{ name: string, startedAt: number }> {
    return this.building.filter(build => now - build.startedAt >= SHOW_AFTER_MS)
  }

  private poll(journal: string): void {
    this.building = buildsInProgress(readJournal(journal))
    if (this.live) return
    const now = Date.now()
    for (const build of this.longRunning(now)) {
      const last = this.logged.get(build.name)
      if (last !== undefined && now - last < LOG_EVERY_MS) continue
      this.logged.set(build.name, now)
      this.log(`fixture cache: ${describe(build, now)}`)
    }
  }

  /**
   * Adds our rows to the live windows of Vitest's reporters (default, verbose, dot). Those are
   * not public API: found by shape, and when the shape is not there, we log lines instead.
   */
  private joinLiveWindows(vitest: Vitest | undefined): boolean {
    const reporters = (vitest as { reporters?: unknown[] } | undefined)?.reporters ?? []
    let joined = false
    for (const reporter of reporters) {
      const { summary, renderer } = reporter as { summary?: { renderer?: unknown }, renderer?: unknown }
      for (const window of [summary?.renderer, renderer]) {
        if (!isLiveWindow(window)) continue
        joined = true
        if (this.windows.has(window)) continue
        this.windows.add(window)
        const vitestRows = window.options.getWindow
        window.options.getWindow = () => withRows(vitestRows(), this.rows())
      }
    }
    return joined
  }
}

function isLiveWindow(value: unknown): value is LiveWindow {
  return typeof (value as LiveWindow | undefined)?.options?.getWindow === 'function'
}

/** Vitest's rows end with an empty spacer row; ours go just above it. */
function withRows(rows: string[], extra: string[]): string[] {
  if (!extra.length) return rows
  return rows.at(-1) === '' ? [...rows.slice(0, -1), ...extra, ''] : [...rows, ...extra]
}

function describe(build: { name: string, startedAt: number }, now: number): string {
  return `building ${build.name}… ${Math.floor((now - build.startedAt) / 1000)} s`
}

function dim(text: string): string {
  return process.env.NO_COLOR ? text : `\x1B[2m${text}\x1B[22m`
}
