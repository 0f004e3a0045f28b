import type { Plugin } from 'vitest/config'
import type { TestProject } from 'vitest/node'
import type { WorkerConfig } from '../shared/protocol.js'
import type { FixtureCacheOptions } from './config.js'
import type { Fingerprinter } from './fingerprint/fingerprinter.js'
import { randomUUID } from 'node:crypto'
import { relative, sep } from 'node:path'
import { FINGERPRINT_MODULE, parseFingerprintModuleId, PROVIDE_KEY } from '../shared/protocol.js'
import { PACKAGE_NAME, resolveWorkerConfig, validatePluginOptions } from './config.js'
import { sweepOldJournals } from './journal.js'
import { FixtureCacheReporter } from './reporter.js'
import { removeLeftovers } from './sweep.js'

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
    name: PACKAGE_NAME,
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
      const { Fingerprinter } = await import('./fingerprint/fingerprinter.js')
      const { loadSummaries, saveSummaries } = await import('./keep-on-disk.js')
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
    async transform(code, id) {
      const file = id.split('?')[0] ?? id
      if (file.includes('/node_modules/') || file.startsWith('\0') || !code.includes(PACKAGE_NAME)) return undefined
      // The parser loads with the first module that mentions the package: a suite that never uses
      // cached() does not pay for it (nor for the fingerprinting, loaded the same way).
      const { injectCallSites } = await import('./inject-call-sites.js')
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

