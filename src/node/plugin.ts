import type { Plugin } from 'vitest/config'
import type { WorkerConfig } from '../shared/protocol.js'
import type { FixtureCacheOptions } from './config.js'
import type { SummaryCache } from './fingerprint/fingerprinter.js'
import type { ModuleSummary } from './fingerprint/module-summary.js'
import { relative, sep } from 'node:path'
import { FINGERPRINT_MODULE, parseFingerprintModuleId, PROVIDE_KEY } from '../shared/protocol.js'
import { FixtureStore } from '../store/fixture-store.js'
import { resolveWorkerConfig } from './config.js'
import { Fingerprinter } from './fingerprint/fingerprinter.js'
import { SUMMARY_VERSION } from './fingerprint/module-summary.js'
import { injectCallSites } from './inject-call-sites.js'

/** The Vitest plugin: tells workers where the cache is and what each `cached()` call is. */
export function fixtureCache(options: FixtureCacheOptions = {}): Plugin {
  // The plugin object may be shared by several projects: keep only run-wide state here.
  let vitestRoot = process.cwd()
  let workerConfig: WorkerConfig | undefined
  let fingerprinter: Fingerprinter | undefined
  // Vitest moves `define` out of the Vite config; keep each project's, by its Vite config.
  const definesByConfig = new WeakMap<object, Record<string, unknown>>()
  return {
    name: 'vitest-fixture-cache',
    // After TypeScript is stripped, before Vitest rewrites imports for the module runner.
    enforce: 'post',
    resolveId(id) {
      return id.startsWith(FINGERPRINT_MODULE) ? `\0${id}` : undefined
    },
    async load(id) {
      const query = id.startsWith(`\0${FINGERPRINT_MODULE}`) ? parseFingerprintModuleId(id.slice(1)) : null
      if (!query) return undefined
      fingerprinter ??= new Fingerprinter(vitestRoot, loadSummaries(workerConfig))
      const inputs = await fingerprinter.inputsFor(query, {
        resolver: async (specifier, importer) => (await this.resolve(specifier, importer))?.id ?? null,
        define: definesByConfig.get(this.environment.getTopLevelConfig()) ?? {},
      })
      if (fingerprinter.takeChanged()) await saveSummaries(workerConfig, fingerprinter)
      return `export default ${JSON.stringify(inputs)}`
    },
    transform(code, id) {
      const file = id.split('?')[0] ?? id
      if (file.includes('/node_modules/') || file.startsWith('\0')) return undefined
      return injectCallSites(code, relative(vitestRoot, file).split(sep).join('/'))
    },
    configureVitest({ project, vitest }) {
      vitestRoot = vitest.config.root
      definesByConfig.set(project.vite.config, project.config.defines ?? {})
      workerConfig = resolveWorkerConfig(options, vitest.config.root, process.env)
      project.provide(PROVIDE_KEY, workerConfig)
      if (workerConfig.mode === 'on' || workerConfig.mode === 'verify') removeLeftovers(workerConfig.dir)
    },
  }
}

// Module summaries are kept in the cache dir so an unchanged module is never parsed again.
const SUMMARIES = `modules-v${SUMMARY_VERSION}.json`

function loadSummaries(config: WorkerConfig | undefined): SummaryCache {
  if (!config || config.mode === 'off') return new Map()
  const stored = new FixtureStore(config.dir).readDocument<Record<string, ModuleSummary | null>>(SUMMARIES)
  return new Map(stored ? Object.entries(stored) : [])
}

// Beyond this many, summaries no run of this process used are dropped.
const MAX_SUMMARIES = 20_000

async function saveSummaries(config: WorkerConfig | undefined, fingerprinter: Fingerprinter): Promise<void> {
  if (!config || config.mode === 'off' || config.mode === 'readonly') return
  const store = new FixtureStore(config.dir)
  // Merge with what other processes saved meanwhile (other projects, parallel runs).
  const stored = store.readDocument<Record<string, ModuleSummary | null>>(SUMMARIES) ?? {}
  const used = fingerprinter.usedSummaries()
  const merged = Object.keys(stored).length + used.length > MAX_SUMMARIES
    ? Object.fromEntries(used)
    : { ...stored, ...Object.fromEntries(used) }
  // Losing this write only costs a parse next run, so trouble here is not worth a warning.
  await store.writeDocument(SUMMARIES, merged).catch(() => {})
}

// Temporary files and locks a killed run left behind; a live writer or lock holder is never this old.
const LEFTOVER_AGE_MS = 60_000

function removeLeftovers(dir: string): void {
  try {
    new FixtureStore(dir).removeLeftovers(LEFTOVER_AGE_MS)
  }
  catch {
    // A cache dir that cannot be swept is reported when a fixture first uses it.
  }
}
