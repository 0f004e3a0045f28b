import type { Plugin } from 'vitest/config'
import type { TestProject } from 'vitest/node'
import type { WorkerConfig } from '../shared/protocol.js'
import type { FixtureCacheOptions } from './config.js'
import { randomUUID } from 'node:crypto'
import { relative, sep } from 'node:path'
import { FINGERPRINT_MODULE, parseFingerprintModuleId, PROVIDE_KEY } from '../shared/protocol.js'
import { PLUGIN_NAME, resolveWorkerConfig, validatePluginOptions } from './config.js'
import { Fingerprinter } from './fingerprint/fingerprinter.js'
import { injectCallSites } from './inject-call-sites.js'
import { sweepOldJournals } from './journal.js'
import { loadSummaries, removeLeftovers, saveSummaries } from './keep-on-disk.js'
import { FixtureCacheReporter } from './reporter.js'

// Vitest 5 names it defineCacheKeyGenerator; 4.1 experimental_defineCacheKeyGenerator.
type CacheKeyGenerator = (module: { id: string }) => string | false | undefined
interface CacheKeyApi {
  defineCacheKeyGenerator?: (generator: CacheKeyGenerator) => void
  experimental_defineCacheKeyGenerator?: (generator: CacheKeyGenerator) => void
}

/** The Vitest plugin: tells workers where the cache is and what each `cached()` call is. */
export function fixtureCache(options: FixtureCacheOptions = {}): Plugin {
  const { maxBytes } = validatePluginOptions(options)
  // The plugin object may be shared by several projects: keep only run-wide state here.
  let vitestRoot = process.cwd()
  let workerConfig: WorkerConfig | undefined
  let fingerprinter: Fingerprinter | undefined
  // Vitest moves `define` out of the Vite config; keep each project's, by its Vite config.
  const definesByConfig = new WeakMap<object, Record<string, unknown>>()
  // Every project of the run, to hand each run (a watch mode rerun too) a new run id.
  const projects = new Set<TestProject>()
  const reporter = new FixtureCacheReporter(() => workerConfig, () => {
    if (!workerConfig) return
    workerConfig = { ...workerConfig, runId: randomUUID() }
    for (const project of projects) project.provide(PROVIDE_KEY, workerConfig)
  }, {
    silent: options.silent ?? false,
    detail: options.detail ?? false,
    report: options.report,
    maxBytes,
  })
  const reported = new WeakSet<object>()
  return {
    name: PLUGIN_NAME,
    // For the CLI, which reads the cache dir from the user's config.
    api: { options },
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
        // In watch mode, an edit of any of them must invalidate this answer.
        onFile: file => this.addWatchFile(file),
      })
      if (fingerprinter.takeChanged()) await saveSummaries(workerConfig, fingerprinter)
      return `export default ${JSON.stringify(inputs)}`
    },
    transform(code, id) {
      const file = id.split('?')[0] ?? id
      if (file.includes('/node_modules/') || file.startsWith('\0')) return undefined
      return injectCallSites(code, relative(vitestRoot, file).split(sep).join('/'))
    },
    configureVitest(context) {
      const { project, vitest } = context
      vitestRoot = vitest.config.root
      // Called once per project; what is the run's is done once: config, summary, sweeping.
      if (!reported.has(vitest)) {
        reported.add(vitest)
        workerConfig = resolveWorkerConfig(options, vitest.config.root, process.env)
        vitest.config.reporters.push(reporter)
        sweepOldJournals()
        if (workerConfig.mode === 'on' || workerConfig.mode === 'verify') removeLeftovers(workerConfig.dir)
      }
      definesByConfig.set(project.vite.config, project.config.defines ?? {})
      projects.add(project)
      // Set above, on the run's first project.
      project.provide(PROVIDE_KEY, workerConfig as WorkerConfig)
      // Answers differ from run to run: they must not land in Vitest 5's on-disk module cache.
      const cacheKeys = context as CacheKeyApi
      const defineKey = cacheKeys.defineCacheKeyGenerator ?? cacheKeys.experimental_defineCacheKeyGenerator
      defineKey?.(({ id }) => (id.includes(FINGERPRINT_MODULE) ? false : undefined))
    },
  }
}

