// The module summaries the plugin keeps in the cache dir beside the entries.
import type { WorkerConfig } from '../shared/protocol.js'
import type { Fingerprinter, SummaryCache } from './fingerprint/fingerprinter.js'
import type { ModuleSummary } from './fingerprint/module-summary.js'
import { openStore } from '../store/open-store.js'
import { SUMMARY_VERSION } from './fingerprint/module-summary.js'

// Module summaries are kept in the cache dir so an unchanged module is never parsed again.
const SUMMARIES = `modules-v${SUMMARY_VERSION}.json`

export function loadSummaries(config: WorkerConfig | undefined): SummaryCache {
  if (!config || config.mode === 'off') return new Map()
  const stored = openStore(config.dir).readDocument<Record<string, ModuleSummary | null>>(SUMMARIES)
  return new Map(stored ? Object.entries(stored) : [])
}

// Beyond this many, summaries no run of this process used are dropped.
const MAX_SUMMARIES = 20_000

export async function saveSummaries(config: WorkerConfig | undefined, fingerprinter: Fingerprinter): Promise<void> {
  if (!config || config.mode === 'off' || config.mode === 'readonly') return
  const store = openStore(config.dir)
  // Merge with what other processes saved meanwhile (other projects, parallel runs).
  const stored = store.readDocument<Record<string, ModuleSummary | null>>(SUMMARIES) ?? {}
  const used = fingerprinter.usedSummaries()
  const merged = Object.keys(stored).length + used.length > MAX_SUMMARIES
    ? Object.fromEntries(used)
    : { ...stored, ...Object.fromEntries(used) }
  // Losing this write only costs a parse next run, so trouble here is not worth a warning.
  try {
    store.writeDocument(SUMMARIES, merged)
  }
  catch {}
}
