// What the plugin keeps in the cache dir beside the entries, so that an unchanged module is never
// parsed again: module summaries (fingerprints) and call-site insertions (the transform).
import type { WorkerConfig } from '../shared/protocol.js'
import type { Insertions } from './apply-insertions.js'
import type { Fingerprinter, SummaryCache } from './fingerprint/fingerprinter.js'
import type { ModuleSummary } from './fingerprint/module-summary.js'
import { digest } from '../shared/digest.js'
import { openStore } from '../store/open-store.js'
import { INSERTIONS_VERSION } from './apply-insertions.js'

/** Bump when what a summary holds or how it is computed changes (module-summary.ts, references.ts). */
const SUMMARY_VERSION = 9
export const SUMMARIES = `modules-v${SUMMARY_VERSION}.json`
export const INSERTIONS = `call-sites-v${INSERTIONS_VERSION}.json`

export function loadSummaries(config: WorkerConfig | undefined): SummaryCache {
  if (!config || config.mode === 'off') return new Map()
  const stored = openStore(config.dir).readDocument<Record<string, ModuleSummary | null>>(SUMMARIES)
  return new Map(stored ? Object.entries(stored) : [])
}

export async function saveSummaries(config: WorkerConfig | undefined, fingerprinter: Fingerprinter): Promise<void> {
  if (config) keep(config, SUMMARIES, fingerprinter.usedSummaries())
}

// Beyond this many, what no run of this process used is dropped.
const MAX_KEPT = 20_000

/**
 * Adds what this process used to a document by digest, merged with what other processes saved
 * meanwhile (other projects, parallel runs). Losing this write only costs a parse next run, so
 * trouble here is not worth a warning.
 */
function keep(config: WorkerConfig, name: string, used: ReadonlyArray<[string, unknown]>): void {
  if (config.mode === 'off' || config.mode === 'readonly') return
  try {
    const store = openStore(config.dir)
    const stored = store.readDocument<Record<string, unknown>>(name) ?? {}
    const merged = Object.keys(stored).length + used.length > MAX_KEPT ? Object.fromEntries(used) : { ...stored, ...Object.fromEntries(used) }
    store.writeDocument(name, merged)
  }
  catch {}
}

/**
 * Call-site insertions by module source, kept in the cache dir: a module unchanged since an
 * earlier run is transformed without parsing it, or loading the parser (~20 ms of a warm run's
 * main process, on Vitest 4, which transforms every module on every run).
 */
export class KeptInsertions {
  private kept?: Map<string, Insertions | null>
  private readonly used = new Map<string, Insertions | null>()

  constructor(private readonly config: WorkerConfig) {}

  async of(code: string, file: string): Promise<Insertions | undefined> {
    const id = digest(file, code)
    this.kept ??= this.load()
    const kept = this.kept.get(id)
    if (kept !== undefined) {
      this.used.set(id, kept)
      return kept ?? undefined
    }
    const { findInsertions } = await import('./inject-call-sites.js')
    const found = findInsertions(code, file)
    this.kept.set(id, found ?? null)
    this.used.set(id, found ?? null)
    keep(this.config, INSERTIONS, [...this.used])
    return found
  }

  private load(): Map<string, Insertions | null> {
    if (this.config.mode === 'off') return new Map()
    try {
      return new Map(Object.entries(openStore(this.config.dir).readDocument<Record<string, Insertions | null>>(INSERTIONS) ?? {}))
    }
    catch {
      return new Map()
    }
  }
}
