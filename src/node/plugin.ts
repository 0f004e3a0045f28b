import type { Plugin } from 'vitest/config'
import type { TestProject, Vitest } from 'vitest/node'
import type { WorkerConfig } from '../shared/protocol.js'
import type { FixtureCacheOptions } from './config.js'
import type { Fingerprinter } from './fingerprint/fingerprinter.js'
import type { KeptInsertions } from './keep-on-disk.js'
import type { FixtureStatus } from './status.js'
import { randomUUID } from 'node:crypto'
import { relative, sep } from 'node:path'
import { PACKAGE_NAME } from '../shared/cache-dir.js'
import { wallClockMs } from '../shared/clock.js'
import { DRY_RUN, FINGERPRINT_MODULE, parseFingerprintModuleId, PROVIDE_KEY, setMainProcessConfig } from '../shared/protocol.js'
import { openStore } from '../store/open-store.js'
import { DEFAULT_COLD_TIMEOUT_MS, resolveWorkerConfig, validatePluginOptions } from './config.js'
import { sweepOldJournals } from './journal.js'
import { FixtureCacheReporter } from './reporter.js'
import { removeLeftovers, sweepOldTemporaryFolders } from './sweep.js'

// Vitest 5 names it defineCacheKeyGenerator; 4.1 experimental_defineCacheKeyGenerator.
type CacheKeyGenerator = (module: { id: string }) => string | false | undefined
interface CacheKeyApi {
  defineCacheKeyGenerator?: (generator: CacheKeyGenerator) => void
  experimental_defineCacheKeyGenerator?: (generator: CacheKeyGenerator) => void
}

/** What one `vitest` process shares across every plugin instance and project: one run is one run. */
interface Run {
  workerConfig: WorkerConfig
  fingerprinter?: Fingerprinter
  /** Call-site insertions by module source, kept across runs. */
  insertions?: KeptInsertions
  /** Every project of the run, to hand each run (a watch mode rerun too) a new run id. */
  projects: Set<TestProject>
  /** The Vitest root of the run: paths in call sites and inputs are relative to it. */
  root: string
  /**
   * Each project's `define` (Vitest moves it out of the Vite config) and setup files, by its name:
   * projects may share one Vite server (Vitest 5), so its config cannot tell them apart.
   */
  projectViews: Map<string, { define: Record<string, unknown>, setupFiles: string[] }>
  /** Timeouts to raise to, on a run that builds everything: builds run inside tests and hooks. */
  coldTimeoutMs?: number
}

// Inline `test.projects` evaluate the config once per project: each gets its own plugin instance,
// and all of them must share one run (one refresh, one summary, one report). Keyed by the Vitest
// instance, on globalThis in case the package is loaded twice.
const RUNS_KEY = Symbol.for('vitest-fixture-cache.runs')
const runs: WeakMap<Vitest, Run> = ((globalThis as Record<symbol, unknown>)[RUNS_KEY] ??= new WeakMap()) as WeakMap<Vitest, Run>

const RECORD_EARLY = new URL('../record-early.js', import.meta.url).href

/** Whether this run is known to build: nothing stored yet, a refresh, or verify. */
function buildsEverything(config: WorkerConfig): boolean {
  if (config.mode === 'off') return false
  if (config.refresh === true || config.refresh.length || config.mode === 'verify') return true
  try {
    return !openStore(config.dir, { readonly: true }).hasEntries()
  }
  catch {
    return true
  }
}

/** What a project's workers are given: the run's config, naming the project (its fingerprint requests must). */
function provideWorkerConfig(run: Run, project: TestProject): void {
  project.provide(PROVIDE_KEY, { ...run.workerConfig, project: project.name })
}

/** `vitest-fixture-cache status`: the run's projects as the dry run needs them. */
async function dryRun(vitest: Vitest): Promise<FixtureStatus[]> {
  const run = runs.get(vitest)
  if (!run) throw new Error('the fixtureCache() plugin did not start with this Vitest instance')
  const { projectsStatus } = await import('./status.js')
  return projectsStatus(run.root, run.workerConfig, [...run.projects].map((project) => {
    const vite = project.vite.environments.ssr!
    return {
      name: project.name,
      environment: project.config.environment,
      ...run.projectViews.get(project.name)!,
      resolver: async (specifier: string, importer: string) => (await vite.pluginContainer.resolveId(specifier, importer))?.id ?? null,
    }
  }))
}

/** The Vitest plugin: tells workers where the cache is and what each `cached()` call is. */
export function fixtureCache(options: FixtureCacheOptions = {}): Plugin {
  const { maxBytes } = validatePluginOptions(options)
  let run: Run | undefined

  function startRun(vitest: Vitest): Run {
    const workerConfig = resolveWorkerConfig(options, vitest.config.root, process.env)
    const started: Run = { workerConfig, projects: new Set(), root: vitest.config.root, projectViews: new Map() }
    // The CLI's dry run (`status`) starts Vitest to see the project as a run would, and runs nothing.
    if ((globalThis as Record<symbol, unknown>)[DRY_RUN]) return started
    const reporter = new FixtureCacheReporter(() => started.workerConfig, () => {
      started.workerConfig = { ...started.workerConfig, runId: randomUUID(), startedAt: wallClockMs() }
      setMainProcessConfig(started.workerConfig)
      for (const project of started.projects) provideWorkerConfig(started, project)
    }, {
      silent: options.silent ?? false,
      detail: options.detail ?? false,
      report: options.report,
      maxBytes,
    })
    vitest.config.reporters.push(reporter)
    setMainProcessConfig(workerConfig)
    sweepOldJournals()
    sweepOldTemporaryFolders()
    if (workerConfig.mode === 'on' || workerConfig.mode === 'verify') removeLeftovers(workerConfig.dir)
    if (buildsEverything(workerConfig) && options.coldTimeout !== false) {
      started.coldTimeoutMs = options.coldTimeout ?? DEFAULT_COLD_TIMEOUT_MS
      vitest.logger.log(`fixture cache (cold run): test and hook timeouts raised to at least ${started.coldTimeoutMs / 1000} s while cached fixtures build (plugin option coldTimeout)`)
    }
    return started
  }

  return {
    name: PACKAGE_NAME,
    // For the CLI, which reads the cache dir from the user's config and asks for the dry run.
    api: { options, status: (vitest: Vitest) => dryRun(vitest) },
    // After TypeScript is stripped, before Vitest rewrites imports for the module runner.
    enforce: 'post',
    resolveId(id) {
      return id.startsWith(FINGERPRINT_MODULE) ? `\0${id}` : undefined
    },
    async load(id) {
      const request = id.startsWith(`\0${FINGERPRINT_MODULE}`) ? parseFingerprintModuleId(id.slice(1)) : null
      if (request === null || !run) return undefined
      const { Fingerprinter } = await import('./fingerprint/fingerprinter.js')
      const { loadSummaries, saveSummaries } = await import('./keep-on-disk.js')
      const current = run
      current.fingerprinter ??= new Fingerprinter(current.root, loadSummaries(current.workerConfig))
      // The main process (a globalSetup's cachedValue) names no project: it runs no setup files.
      const view = request.project === undefined ? undefined : current.projectViews.get(request.project)
      if (request.project !== undefined && !view) throw new Error(`[vitest-fixture-cache] a worker of project "${request.project}" asked for fingerprints, and no such project started this run`)
      const answer = await current.fingerprinter.inputsForModule(request.file, {
        resolver: async (specifier, importer) => (await this.resolve(specifier, importer))?.id ?? null,
        define: view?.define ?? {},
        setupFiles: view?.setupFiles ?? [],
        // In watch mode, an edit of any of them must invalidate this answer.
        onFile: file => this.addWatchFile(file),
      })
      if (current.fingerprinter.takeChanged()) await saveSummaries(current.workerConfig, current.fingerprinter)
      return `export default ${JSON.stringify(answer)}`
    },
    async transform(code, id) {
      const file = id.split('?')[0] ?? id
      if (file.includes('/node_modules/') || file.startsWith('\0') || !code.includes(PACKAGE_NAME)) return undefined
      // Loaded with the first module that mentions the package: a suite that never uses cached()
      // does not pay for them (nor for the fingerprinting, loaded the same way).
      const [{ KeptInsertions }, { applyInsertions }] = await Promise.all([import('./keep-on-disk.js'), import('./apply-insertions.js')])
      const label = relative(run?.root ?? process.cwd(), file).split(sep).join('/')
      const insertions = run ? await (run.insertions ??= new KeptInsertions(run.workerConfig)).of(code, label) : (await import('./inject-call-sites.js')).findInsertions(code, label)
      return insertions && applyInsertions(code, label, insertions)
    },
    async configureVitest(context) {
      const { project, vitest } = context
      // Called once per project, by each plugin instance: the first one starts the run.
      let shared = runs.get(vitest)
      if (!shared) runs.set(vitest, shared = startRun(vitest))
      run = shared
      shared.projectViews.set(project.name, { define: project.config.defines ?? {}, setupFiles: [...project.config.setupFiles ?? []] })
      // With the cache off nothing is recorded: the package then leaves node:fs and process.env alone.
      if (shared.workerConfig.mode !== 'off') {
        // This process too, before a globalSetup file loads (its cachedValue() builds here); without
        // one nothing builds here, and Vite's own reads need not pass through the wrappers.
        if (project.config.globalSetup?.length) await import(RECORD_EARLY)
        // Reads are wrapped as each worker starts, before Vitest or any test module takes node:fs's
        // functions (a vm context copies them; a package keeps them from its import). A Node flag,
        // not a setup file: Vitest's setup-file machinery costs each test file several milliseconds.
        if (!project.config.browser?.enabled && !project.config.execArgv.includes(RECORD_EARLY)) project.config.execArgv = [...project.config.execArgv, '--import', RECORD_EARLY]
      }
      shared.projects.add(project)
      provideWorkerConfig(shared, project)
      if (shared.coldTimeoutMs) {
        // A first build runs inside the first test or hook that uses it: on a cold run it must not be cut short.
        project.config.testTimeout = Math.max(project.config.testTimeout, shared.coldTimeoutMs)
        project.config.hookTimeout = Math.max(project.config.hookTimeout, shared.coldTimeoutMs)
      }
      // Answers differ from run to run: they must not land in Vitest 5's on-disk module cache.
      const cacheKeys = context as CacheKeyApi
      const defineKey = cacheKeys.defineCacheKeyGenerator ?? cacheKeys.experimental_defineCacheKeyGenerator
      defineKey?.(({ id }) => (id.includes(FINGERPRINT_MODULE) ? false : undefined))
    },
  }
}
